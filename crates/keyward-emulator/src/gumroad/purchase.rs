//! The `purchase` of a license answer: `Purchase#payload_for_ping_notification` merged with the
//! whitelisted keys of `as_json_for_license` (`licenses_controller.rb`), as SPEC L222-265 lists
//! them for a one-time purchase.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use super::{LicenseRecord, SELLER_ID};

/// Rails' JSON time, as Gumroad's documented answer shows it (`2021-01-05T19:38:56Z`).
fn time(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The purchase a license belongs to.
pub(crate) fn json(l: &LicenseRecord) -> Value {
    let general_permalink = l.custom_permalink.as_ref().unwrap_or(&l.permalink);
    let mut purchase = json!({
        "seller_id": SELLER_ID,
        "product_id": l.product_id,
        "product_name": l.product_name,
        "permalink": general_permalink,
        "product_permalink": format!("https://emulator.gumroad.com/l/{general_permalink}"),
        "short_product_id": l.permalink,
        "email": l.email,
        "price": 0,
        "gumroad_fee": 0,
        "currency": "usd",
        "quantity": 1,
        "discover_fee_charged": false,
        "can_contact": true,
        "referrer": "direct",
        "card": {"visual": null, "type": null, "bin": null, "expiry_month": null, "expiry_year": null},
        "order_number": l.order_number,
        "sale_id": l.sale_id,
        "sale_timestamp": time(&l.created_at),
        "license_key": l.key,
        "is_gift_receiver_purchase": false,
        "refunded": l.refunded,
        "disputed": l.chargebacked,
        "dispute_won": false,
        "id": l.purchase_id,
        "created_at": time(&l.created_at),
        "variants": "",
        "custom_fields": [],
    });
    let Some(fields) = purchase.as_object_mut() else {
        return purchase;
    };
    match &l.subscription {
        // `as_json_for_license`: a recurring product's purchase has the subscription's times
        // in place of `chargebacked`.
        Some(s) => {
            fields.insert("subscription_id".into(), json!(s.id));
            fields.insert("is_multiseat_license".into(), json!(false));
            fields.insert("recurrence".into(), json!(s.recurrence));
            for (name, at) in [
                ("subscription_ended_at", &s.ended_at),
                ("subscription_cancelled_at", &s.cancelled_at),
                ("subscription_failed_at", &s.failed_at),
            ] {
                fields.insert(name.into(), json!(at.as_ref().map(time)));
            }
        }
        None => {
            fields.insert("chargebacked".into(), json!(l.chargebacked));
        }
    }
    purchase
}
