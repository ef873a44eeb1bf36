//! The machine's identity: the platform's machine id, hashed with the app's salt so the raw id
//! never leaves the machine.

use std::fmt;

use aws_lc_rs::digest;
use keyward_core::LicenseError;

/// A stable identity of this machine for one app.
///
/// Built from the platform's machine id ([`this_machine`](Self::this_machine)) or, in containers
/// and tests, from any text the app chooses ([`from_id`](Self::from_id)). Only two salted
/// SHA-256 hashes of the id are kept: the [instance name](Self::instance_name) sent to the
/// provider when activating, and a separate value that keys the state file's seal (never sent,
/// never written). `Debug` shows neither.
#[derive(Clone)]
pub struct Fingerprint {
    instance_name: String,
    seal: [u8; 32],
}

impl Fingerprint {
    /// The fingerprint of this machine for the app that chose `salt` (an app id, say
    /// `"com.example.editor"`): Linux `/etc/machine-id`, else `/var/lib/dbus/machine-id`;
    /// macOS `IOPlatformUUID`; Windows `MachineGuid` (the last two through the `machine-uid`
    /// crate). An empty, uninitialized or all-zero id is a configuration error: pass an id with
    /// [`from_id`](Self::from_id) instead (containers often have none).
    pub fn this_machine(salt: &str) -> Result<Self, LicenseError> {
        let id = machine_id()?;
        Self::from_id(&id, salt)
    }

    /// The fingerprint for a machine id the app supplies (a container's volume id, a test's
    /// fixed value), salted like [`this_machine`](Self::this_machine).
    pub fn from_id(id: &str, salt: &str) -> Result<Self, LicenseError> {
        let id = id.trim();
        if !usable(id) {
            return Err(LicenseError::config(
                "the machine id is empty or uninitialized",
            ));
        }
        let name = salted(salt, "instance", id);
        Ok(Self {
            instance_name: format!("machine-{}", hex::encode(&name[..16])),
            seal: salted(salt, "seal", id),
        })
    }

    /// The name activations are made under: the same on every run on this machine, unrelated to
    /// the raw id, different for every salt.
    pub fn instance_name(&self) -> &str {
        &self.instance_name
    }

    /// The value the state file's seal is keyed with (with the app secret).
    pub(crate) fn seal_input(&self) -> &[u8; 32] {
        &self.seal
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({})", keyward_core::REDACTED)
    }
}

/// SHA-256 over the salt, a purpose label and the id, each length-prefixed so no two inputs
/// collide.
fn salted(salt: &str, purpose: &str, id: &str) -> [u8; 32] {
    let mut input = Vec::with_capacity(salt.len() + purpose.len() + id.len() + 40);
    input.extend_from_slice(b"licensing-guard-fingerprint-v1");
    for part in [salt, purpose, id] {
        input.extend_from_slice(&(part.len() as u64).to_be_bytes());
        input.extend_from_slice(part.as_bytes());
    }
    let mut out = [0u8; 32];
    out.copy_from_slice(digest::digest(&digest::SHA256, &input).as_ref());
    out
}

/// Not empty, not systemd's `uninitialized` placeholder, not all zeros.
fn usable(id: &str) -> bool {
    !id.is_empty()
        && !id.eq_ignore_ascii_case("uninitialized")
        && id.chars().any(|c| c.is_ascii_alphanumeric() && c != '0')
}

#[cfg(target_os = "linux")]
fn machine_id() -> Result<String, LicenseError> {
    // systemd's file first, then the D-Bus copy older systems keep; an empty or placeholder file
    // (a freshly built image) falls through to the next.
    ["/etc/machine-id", "/var/lib/dbus/machine-id"]
        .iter()
        .filter_map(|path| std::fs::read_to_string(path).ok())
        .map(|text| text.trim().to_owned())
        .find(|id| usable(id))
        .ok_or_else(|| {
            LicenseError::config(
                "this machine has no usable machine id (/etc/machine-id, /var/lib/dbus/machine-id); \
                 pass one with Fingerprint::from_id",
            )
        })
}

#[cfg(not(target_os = "linux"))]
fn machine_id() -> Result<String, LicenseError> {
    machine_uid::get().map_err(|e| {
        LicenseError::config(format!(
            "this machine's id could not be read ({e}); pass one with Fingerprint::from_id"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn salted_hashes_are_stable_distinct_and_hide_the_id() {
        let a = Fingerprint::from_id("CANARY-machine-0001", "app-one").unwrap();
        let again = Fingerprint::from_id(" CANARY-machine-0001\n", "app-one").unwrap();
        let other_app = Fingerprint::from_id("CANARY-machine-0001", "app-two").unwrap();
        let other_machine = Fingerprint::from_id("CANARY-machine-0002", "app-one").unwrap();
        assert_eq!(a.instance_name(), again.instance_name());
        assert_eq!(a.seal_input(), again.seal_input());
        assert_ne!(a.instance_name(), other_app.instance_name());
        assert_ne!(a.instance_name(), other_machine.instance_name());
        assert_ne!(a.seal_input(), other_machine.seal_input());
        assert_ne!(
            &a.seal_input()[..16],
            &hex::decode(&a.instance_name()[8..]).unwrap()[..]
        );
        assert!(!a.instance_name().contains("CANARY"));
        assert_eq!(format!("{a:?}"), "Fingerprint([redacted])");
    }

    #[test]
    fn unusable_ids_are_refused() {
        for id in [
            "",
            "  ",
            "uninitialized",
            "00000000000000000000000000000000",
            "0-0",
        ] {
            assert!(
                Fingerprint::from_id(id, "app").unwrap_err().is_config(),
                "{id:?}"
            );
        }
    }

    #[test]
    fn this_machine_gives_a_fingerprint_or_a_config_error() {
        match Fingerprint::this_machine("app") {
            Ok(f) => assert!(f.instance_name().starts_with("machine-")),
            Err(e) => assert!(e.is_config(), "{e}"),
        }
    }
}
