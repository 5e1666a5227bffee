//! Reference only, never compiled: the OpenAI tasks as a user writes them with the hand-written
//! async-openai crate (its documented builder API: `…Args::default()`, `build()?`,
//! `client.chat().create(..)`), one `async fn` per task, named as in `tests/tasks/openai.rs`.
//! `tests/tasks.rs` counts their lines and the crate's types they name by the same rule as ours.

use async_openai::error::OpenAIError;
use async_openai::types::{
    ChatCompletionRequestSystemMessageArgs, ChatCompletionRequestUserMessageArgs,
    CreateChatCompletionRequestArgs, CreateEmbeddingRequestArgs, CreateFileRequestArgs,
    FilePurpose,
};
use async_openai::{Client, config::OpenAIConfig};
use futures::StreamExt;

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

/// 1. A chat completion with a system and a user message, a model and a temperature.
pub async fn chat_completion(client: &Client<OpenAIConfig>) -> Result {
    let request = CreateChatCompletionRequestArgs::default()
        .model("gpt-4o-mini")
        .temperature(0.7)
        .messages([
            ChatCompletionRequestSystemMessageArgs::default()
                .content("You are a helpful assistant.")
                .build()?
                .into(),
            ChatCompletionRequestUserMessageArgs::default()
                .content("Who won the world series in 2020?")
                .build()?
                .into(),
        ])
        .build()?;
    let response = client.chat().create(request).await?;
    for choice in response.choices {
        println!("{}", choice.message.content.unwrap_or_default());
    }
    Ok(())
}

/// 2. The same, streamed, printing the deltas.
pub async fn chat_completion_stream(client: &Client<OpenAIConfig>) -> Result {
    let request = CreateChatCompletionRequestArgs::default()
        .model("gpt-4o-mini")
        .temperature(0.7)
        .messages([
            ChatCompletionRequestSystemMessageArgs::default()
                .content("You are a helpful assistant.")
                .build()?
                .into(),
            ChatCompletionRequestUserMessageArgs::default()
                .content("Who won the world series in 2020?")
                .build()?
                .into(),
        ])
        .build()?;
    let mut stream = client.chat().create_stream(request).await?;
    while let Some(response) = stream.next().await {
        for choice in response?.choices {
            print!("{}", choice.delta.content.unwrap_or_default());
        }
    }
    println!();
    Ok(())
}

/// 3. Embeddings for three strings.
pub async fn embeddings(client: &Client<OpenAIConfig>) -> Result {
    let request = CreateEmbeddingRequestArgs::default()
        .model("text-embedding-3-small")
        .input(["apple", "banana", "cherry"])
        .build()?;
    let response = client.embeddings().create(request).await?;
    for embedding in response.data {
        println!("{}: {:?}", embedding.index, embedding.embedding);
    }
    Ok(())
}

/// 4. Uploading a file for fine-tuning.
pub async fn upload_file(client: &Client<OpenAIConfig>) -> Result {
    let request = CreateFileRequestArgs::default()
        .file("training.jsonl")
        .purpose(FilePurpose::FineTune)
        .build()?;
    let uploaded = client.files().create(request).await?;
    println!("uploaded {} as {}", uploaded.filename, uploaded.id);
    Ok(())
}

/// 5. Listing the models.
pub async fn list_models(client: &Client<OpenAIConfig>) -> Result {
    for model in client.models().list().await?.data {
        println!("{} (owned by {})", model.id, model.owned_by);
    }
    Ok(())
}

/// 6. A 400 and a 429, printing the API's message.
pub async fn api_errors(client: &Client<OpenAIConfig>) -> Result {
    let request = CreateChatCompletionRequestArgs::default()
        .model("gpt-4o-mini")
        .messages([ChatCompletionRequestUserMessageArgs::default()
            .content("Hello!")
            .build()?
            .into()])
        .build()?;
    for _ in 0..2 {
        if let Err(OpenAIError::ApiError(error)) = client.chat().create(request.clone()).await {
            println!("{}", error.message);
        }
    }
    Ok(())
}
