//! signed-license: every model the client decodes from a verified payload, on any JSON object
//! (what `Payload::parse` lets through), along the two paths `Payload` decodes with: the whole
//! signed text (`Payload::decode`) and one field re-serialised (`Payload::field`), both through
//! `decode_json` with the value-free messages of the signed path; never a panic, no decode error
//! shows the license key.
#![no_main]

use keyward_fuzz::assert_no_canary;
use libfuzzer_sys::fuzz_target;
use keyward_core::{decode_json, without_values};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use keyward_signed_license::models::{
    AssignedLicenseKey, Contract, CreatedLicenseKeys, Downloadable, Generator, LicenseDetails,
    LicenseKeyRecord, Product, TelemetryRecord,
};

fn whole<T: DeserializeOwned>(data: &[u8]) -> Option<String> {
    decode_json::<T>(data, without_values)
        .err()
        .map(|e| format!("{e} {e:?}"))
}

fn field<T: DeserializeOwned>(fields: &Map<String, Value>, name: &str) -> Option<String> {
    let text = fields.get(name)?.to_string();
    whole::<T>(text.as_bytes())
}

fuzz_target!(|data: &[u8]| {
    let Ok(Value::Object(fields)) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let texts: Vec<String> = [
        whole::<LicenseDetails>(data),
        whole::<CreatedLicenseKeys>(data),
        field::<Vec<Downloadable>>(&fields, "downloadables"),
        field::<Vec<Contract>>(&fields, "contracts"),
        field::<Contract>(&fields, "contract"),
        field::<Vec<Product>>(&fields, "products"),
        field::<Vec<Generator>>(&fields, "products"),
        field::<Vec<LicenseKeyRecord>>(&fields, "license_keys"),
        field::<Vec<AssignedLicenseKey>>(&fields, "license_keys"),
        field::<Vec<TelemetryRecord>>(&fields, "data"),
    ]
    .into_iter()
    .flatten()
    .collect();
    assert_no_canary(&texts);
});
