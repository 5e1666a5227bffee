//! `Client::from_env`. A test binary of its own: it sets environment variables, which is only
//! sound while no other thread reads the environment.

#[test]
fn from_env_reads_the_base_url_and_both_credentials() {
    // SAFETY: this binary holds a single test, so no other thread reads the environment.
    unsafe {
        std::env::set_var("CREATIFY_BASE_URL", "http://127.0.0.1:4010/");
        std::env::set_var("CREATIFY_API_ID", "id-from-env");
        std::env::set_var("CREATIFY_API_KEY", "key-from-env");
    }
    let client = creatify::Client::from_env().expect("client builds");
    assert_eq!(client.base_url().as_str(), "http://127.0.0.1:4010/");
    let shown = format!("{client:?}");
    assert!(shown.contains(r#"api_id: Some("***")"#) && shown.contains(r#"api_key: Some("***")"#), "{shown}");
    assert!(!shown.contains("from-env"), "{shown}");
}
