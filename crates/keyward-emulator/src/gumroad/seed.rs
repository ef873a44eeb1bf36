//! Seeding the emulated Gumroad: licenses built in code, each with its product and purchase.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE;
use chrono::{DateTime, Utc};

use super::{DEFAULT_PRODUCT_ID, LicenseRecord, State, SubscriptionRecord};

/// A license to add with [`GumroadEmulator::add_license`](super::GumroadEmulator::add_license).
#[derive(Debug, Clone)]
#[must_use]
pub struct LicenseSeed {
    key: String,
    uses: u64,
    disabled: bool,
    product_id: String,
    permalink: String,
    custom_permalink: Option<String>,
    requires_product_id: bool,
    other_seller: bool,
    email: String,
    refunded: bool,
    chargebacked: bool,
    access_revoked: bool,
    subscription: Option<Subscription>,
}

#[derive(Debug, Clone, Default)]
struct Subscription {
    recurrence: Option<String>,
    ended_at: Option<DateTime<Utc>>,
    cancelled_at: Option<DateTime<Utc>>,
    failed_at: Option<DateTime<Utc>>,
}

impl LicenseSeed {
    /// An enabled key of a one-time purchase of [`DEFAULT_PRODUCT_ID`] (permalink `QMGY`), no
    /// use counted. The product requires `product_id`, as every product created since
    /// 2023-01-09 does: see [`requires_product_id`](Self::requires_product_id).
    pub fn new(key: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            uses: 0,
            disabled: false,
            product_id: DEFAULT_PRODUCT_ID.to_owned(),
            permalink: "QMGY".to_owned(),
            custom_permalink: None,
            requires_product_id: true,
            other_seller: false,
            email: "customer@example.com".to_owned(),
            refunded: false,
            chargebacked: false,
            access_revoked: false,
            subscription: None,
        }
    }

    /// Of this product (its external id, e.g. `32-nPAicqbLj8B_WswVlMw==`).
    pub fn product(mut self, id: impl Into<String>) -> Self {
        self.product_id = id.into();
        self
    }

    /// The product's permalink (`short_product_id`, e.g. `QMGY`).
    pub fn permalink(mut self, permalink: impl Into<String>) -> Self {
        self.permalink = permalink.into();
        self
    }

    /// The product's custom permalink (e.g. `pencil`), which a verify may name too.
    pub fn custom_permalink(mut self, permalink: impl Into<String>) -> Self {
        self.custom_permalink = Some(permalink.into());
        self
    }

    /// Whether a verify without `product_id` answers 500 naming it (products created since
    /// 2023-01-09; the default), or may name the product by permalink instead (older ones).
    pub fn requires_product_id(mut self, required: bool) -> Self {
        self.requires_product_id = required;
        self
    }

    /// This many uses counted already.
    pub fn uses(mut self, uses: u64) -> Self {
        self.uses = uses;
        self
    }

    /// Starts disabled.
    pub fn disabled(mut self) -> Self {
        self.disabled = true;
        self
    }

    /// Bought with this email.
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.email = email.into();
        self
    }

    /// The purchase was refunded (it still verifies, with `refunded: true`).
    pub fn refunded(mut self) -> Self {
        self.refunded = true;
        self
    }

    /// The purchase was charged back (`chargebacked` and `disputed`; it still verifies).
    pub fn chargebacked(mut self) -> Self {
        self.chargebacked = true;
        self
    }

    /// The purchase's access was revoked: every route answers 404 "… has expired."
    pub fn access_revoked(mut self) -> Self {
        self.access_revoked = true;
        self
    }

    /// Sold by another seller: the token's routes answer 404 "Not found" (verify is public).
    pub fn other_seller(mut self) -> Self {
        self.other_seller = true;
        self
    }

    /// A subscription product with this recurrence (`monthly`, `yearly`, …).
    pub fn subscription(mut self, recurrence: impl Into<String>) -> Self {
        self.subscription.get_or_insert_default().recurrence = Some(recurrence.into());
        self
    }

    /// A subscription that ended at this time.
    pub fn subscription_ended_at(mut self, at: DateTime<Utc>) -> Self {
        self.subscription.get_or_insert_default().ended_at = Some(at);
        self
    }

    /// A subscription cancelled at this time (it runs to the end of its period).
    pub fn subscription_cancelled_at(mut self, at: DateTime<Utc>) -> Self {
        self.subscription.get_or_insert_default().cancelled_at = Some(at);
        self
    }

    /// A subscription whose charge failed at this time.
    pub fn subscription_failed_at(mut self, at: DateTime<Utc>) -> Self {
        self.subscription.get_or_insert_default().failed_at = Some(at);
        self
    }
}

/// A made-up external id in Gumroad's shape (URL-safe base64 of 16 bytes, `…==`).
pub(crate) fn external_id() -> String {
    URL_SAFE.encode(uuid::Uuid::new_v4().as_bytes())
}

pub(crate) fn insert(state: &mut State, seed: LicenseSeed) -> String {
    if let Some(existing) = state.licenses.iter().find(|l| l.key == seed.key) {
        return existing.purchase_id.clone();
    }
    let purchase_id = external_id();
    let order = uuid::Uuid::new_v4().as_u128() % 900_000_000;
    state.licenses.push(LicenseRecord {
        key: seed.key,
        uses: seed.uses,
        disabled: seed.disabled,
        product_name: "licenses demo product".to_owned(),
        product_id: seed.product_id,
        permalink: seed.permalink,
        custom_permalink: seed.custom_permalink,
        requires_product_id: seed.requires_product_id,
        other_seller: seed.other_seller,
        purchase_id: purchase_id.clone(),
        sale_id: external_id(),
        order_number: u64::try_from(order).unwrap_or_default() + 100_000_000,
        email: seed.email,
        created_at: state.clock.now(),
        refunded: seed.refunded,
        chargebacked: seed.chargebacked,
        access_revoked: seed.access_revoked,
        subscription: seed.subscription.map(|s| SubscriptionRecord {
            id: external_id(),
            recurrence: s.recurrence.unwrap_or_else(|| "monthly".to_owned()),
            ended_at: s.ended_at,
            cancelled_at: s.cancelled_at,
            failed_at: s.failed_at,
        }),
    });
    purchase_id
}
