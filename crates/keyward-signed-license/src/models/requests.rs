//! Request inputs for the calls with many fields. Each turns into form fields.

use std::fmt;

use super::ActivationLimit;
use keyward_core::SecretLicenseKey;

/// Form fields: name and value.
pub(crate) type Fields = Vec<(&'static str, String)>;

fn push_opt(fields: &mut Fields, name: &'static str, value: Option<&String>) {
    if let Some(v) = value {
        fields.push((name, v.clone()));
    }
}

fn flag(b: bool) -> String {
    String::from(if b { "1" } else { "0" })
}

keyward_core::open_enum!(
    /// A license key's status.
    LicenseKeyStatus {
        /// Not yet assigned.
        Available => "available",
        /// Assigned to an owner.
        Assigned => "assigned",
        /// Held back.
        Reserved => "reserved",
        /// Blocked.
        Blocked => "blocked",
    }
);

impl Default for LicenseKeyStatus {
    fn default() -> Self {
        Self::Other(String::new())
    }
}

keyward_core::open_enum!(
    /// Where a product comes from.
    ProductSource {
        /// Sold by you.
        Internal => "internal",
        /// Sold on Envato.
        Envato => "envato",
    }
);

keyward_core::open_enum!(
    /// A product's or contract's status.
    ProductStatus {
        /// Active.
        Active => "active",
        /// Inactive.
        Inactive => "inactive",
    }
);

/// The fields of `create-license-keys` and `update-license-key`.
#[derive(Debug, Clone)]
pub struct LicenseKeySpec {
    /// The product.
    pub product_id: u64,
    /// Activations allowed (`AtMost(0)` is documented as unlimited; `Unlimited` sends `-1`).
    pub activation_limit: ActivationLimit,
    /// Validity in days (0 = unlimited).
    pub validity: u64,
    /// The status to set.
    pub status: LicenseKeyStatus,
    /// The owner's name.
    pub owner_name: Option<String>,
    /// The owner's email.
    pub owner_email: Option<String>,
    /// The expiry base (`Y-m-d H:i:s`).
    pub assigned_at: Option<String>,
}

impl LicenseKeySpec {
    /// Keys for a product, with their limits and status.
    pub fn new(
        product_id: u64,
        activation_limit: u64,
        validity: u64,
        status: LicenseKeyStatus,
    ) -> Self {
        Self {
            product_id,
            activation_limit: ActivationLimit::AtMost(activation_limit),
            validity,
            status,
            owner_name: None,
            owner_email: None,
            assigned_at: None,
        }
    }

    /// Sends `-1`: unlimited activations, as the admin portal documents it.
    #[must_use]
    pub fn unlimited_activations(mut self) -> Self {
        self.activation_limit = ActivationLimit::Unlimited;
        self
    }

    /// Sets the owner.
    #[must_use]
    pub fn owner(mut self, name: impl Into<String>, email: impl Into<String>) -> Self {
        self.owner_name = Some(name.into());
        self.owner_email = Some(email.into());
        self
    }

    /// Sets the expiry base.
    #[must_use]
    pub fn assigned_at(mut self, at: impl Into<String>) -> Self {
        self.assigned_at = Some(at.into());
        self
    }

    pub(crate) fn fields(&self) -> Fields {
        let mut f = vec![
            ("product_id", self.product_id.to_string()),
            ("activation_limit", self.activation_limit.to_string()),
            ("validity", self.validity.to_string()),
            ("status", self.status.to_string()),
        ];
        push_opt(&mut f, "owner_name", self.owner_name.as_ref());
        push_opt(&mut f, "owner_email", self.owner_email.as_ref());
        push_opt(&mut f, "assigned_at", self.assigned_at.as_ref());
        f
    }
}

/// The fields of `random-assign-license-keys`.
#[derive(Debug, Clone)]
pub struct RandomAssign {
    /// The product.
    pub product_id: u64,
    /// How many keys.
    pub quantity: u64,
    /// The owner's email.
    pub owner_email: String,
    /// The owner's name.
    pub owner_name: Option<String>,
    /// Generate keys when not enough are available.
    pub generate: bool,
}

impl RandomAssign {
    /// `quantity` keys of a product for an owner.
    pub fn new(product_id: u64, quantity: u64, owner_email: impl Into<String>) -> Self {
        Self {
            product_id,
            quantity,
            owner_email: owner_email.into(),
            owner_name: None,
            generate: false,
        }
    }

    /// Sets the owner's name.
    #[must_use]
    pub fn owner_name(mut self, name: impl Into<String>) -> Self {
        self.owner_name = Some(name.into());
        self
    }

    /// Generates keys when not enough are available.
    #[must_use]
    pub fn generate(mut self, generate: bool) -> Self {
        self.generate = generate;
        self
    }

    pub(crate) fn fields(&self) -> Fields {
        let mut f = vec![
            ("product_id", self.product_id.to_string()),
            ("quantity", self.quantity.to_string()),
            ("owner_email", self.owner_email.clone()),
            ("generate", flag(self.generate)),
        ];
        push_opt(&mut f, "owner_name", self.owner_name.as_ref());
        f
    }
}

/// The fields of `create-product` and `update-product`.
#[derive(Debug, Clone)]
pub struct NewProduct {
    /// The name.
    pub name: String,
    /// The description.
    pub description: String,
    /// `internal` or `envato`.
    pub source: ProductSource,
    /// `active` or `inactive`.
    pub status: ProductStatus,
    /// Require a non-expired key.
    pub require_non_expired: bool,
    /// External reference (Envato item id).
    pub external_reference: Option<String>,
}

impl NewProduct {
    /// An active internal product.
    pub fn new(name: impl Into<String>, description: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            description: description.into(),
            source: ProductSource::Internal,
            status: ProductStatus::Active,
            require_non_expired: false,
            external_reference: None,
        }
    }

    pub(crate) fn fields(&self) -> Fields {
        let mut f = vec![
            ("source", self.source.to_string()),
            ("name", self.name.clone()),
            ("description", self.description.clone()),
            ("require_non_expired", flag(self.require_non_expired)),
            ("status", self.status.to_string()),
        ];
        push_opt(
            &mut f,
            "external_reference",
            self.external_reference.as_ref(),
        );
        f
    }
}

/// The fields of `create-contract` and `update-contract`. `Debug` hides the contract key.
#[derive(Clone)]
pub struct ContractSpec {
    /// A unique contract key: the credential a contract holder uses, so treat it as a secret.
    pub contract_key: String,
    /// The name.
    pub name: String,
    /// Free text.
    pub information: String,
    /// The product.
    pub product_id: u64,
    /// Keys the contract may generate.
    pub license_keys_quantity: u64,
    /// `active` or `inactive`.
    pub status: ProductStatus,
    /// Capabilities: get info, generate, destroy, destroy all.
    pub can_get_info: bool,
    /// May generate keys.
    pub can_generate: bool,
    /// May destroy keys.
    pub can_destroy: bool,
    /// May destroy all keys.
    pub can_destroy_all: bool,
}

impl fmt::Debug for ContractSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContractSpec")
            .field("contract_key", &keyward_core::REDACTED)
            .field("name", &self.name)
            .field("product_id", &self.product_id)
            .field("license_keys_quantity", &self.license_keys_quantity)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

impl ContractSpec {
    /// An active contract with every capability off.
    pub fn new(
        contract_key: impl Into<String>,
        name: impl Into<String>,
        product_id: u64,
        license_keys_quantity: u64,
    ) -> Self {
        Self {
            contract_key: contract_key.into(),
            name: name.into(),
            information: String::new(),
            product_id,
            license_keys_quantity,
            status: ProductStatus::Active,
            can_get_info: false,
            can_generate: false,
            can_destroy: false,
            can_destroy_all: false,
        }
    }

    pub(crate) fn fields(&self) -> Fields {
        vec![
            ("contract_key", self.contract_key.clone()),
            ("contract_name", self.name.clone()),
            ("contract_information", self.information.clone()),
            ("product_id", self.product_id.to_string()),
            (
                "license_keys_quantity",
                self.license_keys_quantity.to_string(),
            ),
            ("status", self.status.to_string()),
            ("can_get_info", flag(self.can_get_info)),
            ("can_generate", flag(self.can_generate)),
            ("can_destroy", flag(self.can_destroy)),
            ("can_destroy_all", flag(self.can_destroy_all)),
        ]
    }
}

/// The value of a telemetry record.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum TelemetryData {
    /// `numeric-single-value`.
    Number(f64),
    /// `numeric-xy-axis`.
    Xy(f64, f64),
    /// `text`.
    Text(String),
}

/// The fields of `send-telemetry-data`.
#[derive(Debug, Clone)]
pub struct Telemetry {
    /// The data group.
    pub data_group: String,
    /// The value.
    pub data: TelemetryData,
    /// The product.
    pub product_id: Option<u64>,
    /// The product version.
    pub product_version: Option<String>,
    /// The user.
    pub user_identifier: Option<String>,
    /// The license key.
    pub license_key: Option<SecretLicenseKey>,
    /// The activation identifier.
    pub activation_identifier: Option<String>,
}

impl Telemetry {
    /// A record in a group.
    pub fn new(data_group: impl Into<String>, data: TelemetryData) -> Self {
        Self {
            data_group: data_group.into(),
            data,
            product_id: None,
            product_version: None,
            user_identifier: None,
            license_key: None,
            activation_identifier: None,
        }
    }

    pub(crate) fn fields(&self) -> Fields {
        let mut f = vec![("data_group", self.data_group.clone())];
        match &self.data {
            TelemetryData::Number(v) => {
                f.push(("data_type", "numeric-single-value".into()));
                f.push(("numeric_data_single_value", v.to_string()));
            }
            TelemetryData::Xy(x, y) => {
                f.push(("data_type", "numeric-xy-axis".into()));
                f.push(("numeric_data_x", x.to_string()));
                f.push(("numeric_data_y", y.to_string()));
            }
            TelemetryData::Text(t) => {
                f.push(("data_type", "text".into()));
                f.push(("text_data", t.clone()));
            }
        }
        if let Some(p) = self.product_id {
            f.push(("product_id", p.to_string()));
        }
        push_opt(&mut f, "product_version", self.product_version.as_ref());
        push_opt(&mut f, "user_identifier", self.user_identifier.as_ref());
        if let Some(k) = &self.license_key {
            f.push(("license_key", k.expose().to_owned()));
        }
        push_opt(
            &mut f,
            "activation_identifier",
            self.activation_identifier.as_ref(),
        );
        f
    }
}
