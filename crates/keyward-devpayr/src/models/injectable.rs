//! Injectables: encrypted snippets or files a paid project delivers to its installations.

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::crypto::{self, InjectableSecret};

keyward_core::open_enum! {
    /// What an injectable holds.
    InjectableType {
        /// A file.
        File => "file",
        /// A code snippet.
        Snippet => "snippet",
        /// HTML.
        Html => "html",
        /// A script.
        Script => "script",
        /// A component.
        Component => "component",
        /// Configuration.
        Config => "config",
        /// JSON.
        Json => "json",
        /// Markdown.
        Markdown => "markdown",
        /// CSS.
        Css => "css",
        /// An include.
        Include => "include",
        /// An SDK module.
        SdkModule => "sdk_module",
        /// Documentation.
        Docs => "docs",
        /// A template.
        Template => "template",
    }
}

keyward_core::open_enum! {
    /// How an injectable is applied to its target.
    InjectableMode {
        /// Inject.
        Inject => "inject",
        /// Write the whole target.
        Write => "write",
        /// Replace the target.
        Replace => "replace",
        /// Symlink.
        Symlink => "symlink",
        /// Append to the target.
        Append => "append",
        /// Prepend to the target.
        Prepend => "prepend",
        /// Mount.
        Mount => "mount",
        /// Render inline.
        InlineRender => "inline_render",
        /// Stream.
        Stream => "stream",
    }
}

/// An injectable as delivered by has-paid (`include=injectables`) or the stream endpoint.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Injectable {
    /// The injectable's slug.
    #[serde(default)]
    pub slug: Option<String>,
    /// What it holds.
    #[serde(default, rename = "type")]
    pub kind: Option<InjectableType>,
    /// How it is applied.
    #[serde(default)]
    pub mode: Option<InjectableMode>,
    /// The ciphertext (stream and has-paid answers).
    #[serde(default)]
    pub encrypted_content: Option<String>,
    /// The ciphertext under its other name (the API-key show endpoint).
    #[serde(default)]
    pub content: Option<String>,
    /// The stored file (only for `type = file`).
    #[serde(default)]
    pub file_path: Option<String>,
    /// Where it goes in the installation.
    #[serde(default)]
    pub target_path: Option<String>,
    /// Hex HMAC-SHA256 of the ciphertext, keyed with the injectable secret.
    #[serde(default)]
    pub signature: Option<String>,
    /// Free-form metadata.
    #[serde(default)]
    pub meta: Value,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Injectable {
    /// The ciphertext: `encrypted_content`, else `content`.
    pub fn ciphertext(&self) -> Option<&str> {
        self.encrypted_content
            .as_deref()
            .or(self.content.as_deref())
    }

    /// Checks the signature over the ciphertext, then decrypts it. A missing signature or
    /// ciphertext, a wrong signature and bad padding are all signature errors: nothing is
    /// returned that was not authenticated.
    pub fn verify_and_decrypt(
        &self,
        secret: &InjectableSecret,
    ) -> Result<Vec<u8>, keyward_core::LicenseError> {
        let ciphertext = self.ciphertext().ok_or_else(|| {
            keyward_core::LicenseError::signature("the injectable has no ciphertext")
        })?;
        let signature = self.signature.as_deref().ok_or_else(|| {
            keyward_core::LicenseError::signature("the injectable has no signature")
        })?;
        crypto::verify_signature(ciphertext, signature, secret)?;
        crypto::decrypt(ciphertext, secret)
    }
}
