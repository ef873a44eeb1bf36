//! `I send the following (raw) headers:` (`request_steps.rb`): the headers a case sends, its
//! placeholders resolved; a hand-made `Authorization` is sent as is, unless the steps give a
//! credential too (then the case is not replayed).

use serde_json::Value;

use super::world::{Skip, World};

impl World {
    /// `I send the following headers:` (a JSON object).
    pub(crate) fn json_headers(&mut self, step: &Value) -> Result<(), Skip> {
        let headers = step["docstring"].as_object().cloned().unwrap_or_default();
        let pairs = headers.iter().map(|(name, value)| match value.as_str() {
            Some(text) => Ok((name.clone(), text.to_owned())),
            None => Err(format!("header {name} = {value}")),
        });
        self.send_headers(pairs.collect::<Result<_, _>>()?)
    }

    /// `I send the following raw headers:` (`Name: value` lines).
    pub(crate) fn raw_headers(&mut self, step: &Value) -> Result<(), Skip> {
        let text = step["docstring"].as_str().unwrap_or_default();
        let lines = text.lines().filter(|l| !l.trim().is_empty());
        let pairs = lines.map(|line| match line.split_once(':') {
            Some((name, value)) => Ok((name.trim().to_owned(), value.to_owned())),
            None => Err("a raw header line".to_owned()),
        });
        self.send_headers(pairs.collect::<Result<_, _>>()?)
    }

    fn send_headers(&mut self, pairs: Vec<(String, String)>) -> Result<(), Skip> {
        for (name, value) in pairs {
            if name.eq_ignore_ascii_case("authorization") && self.credential.is_some() {
                return Err("a hand-made credential besides the steps' own".to_owned());
            }
            let value = self.resolve(value.trim())?;
            self.headers.push((name, value));
        }
        Ok(())
    }
}
