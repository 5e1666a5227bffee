//! The OpenAI tasks, written as a new user writes them with the generated `openai` crate: each
//! task one `async fn` taking the client. `tests/tasks.rs` counts each body's lines and the
//! crate's types it names; `tests/tasks/openai_main.rs` runs each against a loopback server.

use futures_util::TryStreamExt;
use openai::Client;
use openai::types::{
    ChatCompletionRequestSystemMessage, ChatCompletionRequestUserMessage,
    CreateChatCompletionRequest, CreateEmbeddingRequest, CreateFileRequest, ErrorBody, File,
};

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

/// 1. A chat completion with a system and a user message, a model and a temperature.
pub async fn chat_completion(client: &Client) -> Result {
    let messages = vec![
        ChatCompletionRequestSystemMessage::new("You are a helpful assistant.").into(),
        ChatCompletionRequestUserMessage::new("Who won the world series in 2020?").into(),
    ];
    let request = CreateChatCompletionRequest::new(messages, "gpt-4o-mini").temperature(0.7);
    let response = client.chat().create(&request).await?;
    for choice in response.choices {
        println!("{}", choice.message.content.unwrap_or_default());
    }
    Ok(())
}

/// 2. The same, streamed, printing the deltas.
pub async fn chat_completion_stream(client: &Client) -> Result {
    let messages = vec![
        ChatCompletionRequestSystemMessage::new("You are a helpful assistant.").into(),
        ChatCompletionRequestUserMessage::new("Who won the world series in 2020?").into(),
    ];
    let request = CreateChatCompletionRequest::new(messages, "gpt-4o-mini").temperature(0.7);
    let mut stream = client.chat().create_stream(&request).await?;
    while let Some(chunk) = stream.try_next().await? {
        for choice in chunk.data.choices {
            print!("{}", choice.delta.content.unwrap_or_default());
        }
    }
    println!();
    Ok(())
}

/// 3. Embeddings for three strings.
pub async fn embeddings(client: &Client) -> Result {
    let input = ["apple", "banana", "cherry"].map(String::from).to_vec();
    let request = CreateEmbeddingRequest::new(input, "text-embedding-3-small");
    let response = client.embeddings().create(&request).await?;
    for embedding in response.data {
        println!("{}: {:?}", embedding.index, embedding.embedding);
    }
    Ok(())
}

/// 4. Uploading a file for fine-tuning.
pub async fn upload_file(client: &Client) -> Result {
    let file = File::from_path("training.jsonl", "application/jsonl");
    let request = CreateFileRequest::new(file, "fine-tune".parse()?);
    let uploaded = client.files().create(&request).await?;
    println!("uploaded {} as {}", uploaded.filename, uploaded.id);
    Ok(())
}

/// 5. Listing the models.
pub async fn list_models(client: &Client) -> Result {
    for model in client.models().list().await?.data {
        println!("{} (owned by {})", model.id, model.owned_by);
    }
    Ok(())
}

/// 6. A 400 and a 429, printing the API's message.
pub async fn api_errors(client: &Client) -> Result {
    let messages = vec![ChatCompletionRequestUserMessage::new("Hello!").into()];
    let request = CreateChatCompletionRequest::new(messages, "gpt-4o-mini");
    for _ in 0..2 {
        if let Err(error) = client.chat().create(&request).await
            && let Some(ErrorBody::ErrorResponse(body)) = error.decoded()
        {
            println!("{:?}: {}", error.status(), body.error.message);
        }
    }
    Ok(())
}
