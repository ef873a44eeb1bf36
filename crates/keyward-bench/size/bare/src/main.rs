//! `size-bare <base-url> <license-key>`: the same Lemon Squeezy validate as `size-ours`, with
//! reqwest + serde alone, and the same output.

#[derive(serde::Serialize)]
struct Form<'a> {
    license_key: &'a str,
}

#[derive(serde::Deserialize)]
struct Validation {
    valid: bool,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(base), Some(key)) = (args.next(), args.next()) else {
        return Err("usage: size-bare <base-url> <license-key>".into());
    };
    let validation: Validation = reqwest::Client::new()
        .post(format!("{base}/v1/licenses/validate"))
        .header("accept", "application/json")
        .form(&Form { license_key: &key })
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    println!("{}", if validation.valid { "valid" } else { "invalid" });
    Ok(())
}
