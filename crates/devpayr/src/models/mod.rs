//! The records DevPayr sends and the request bodies it takes. Every record keeps unknown fields in
//! `extra`, and fields the SPEC is unsure of are decoded leniently (`0`/`1` booleans, numeric strings, comma lists or arrays).

/// Declares a string enum whose unknown values decode to `Other(String)`.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident => $text:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version does not know, kept as sent.
            Other(String),
        }

        impl $name {
            /// The value as DevPayr spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $text, )+
                    Self::Other(other) => other,
                }
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $text => Self::$variant, )+
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                Ok(Self::from(text.as_str()))
            }
        }
    };
}

mod domain;
mod envelope;
mod has_paid;
mod injectable;
pub(crate) mod lenient;
mod license;

pub use domain::{Domain, Environment, NewDomain};
pub use envelope::{ActionOutcome, CursorPage, Envelope};
pub use has_paid::{Denial, DenialReason, LicenseCheck, PaymentStatus};
pub use injectable::{Injectable, InjectableMode, InjectableType};
pub use license::{License, LicenseState, NewLicense};
