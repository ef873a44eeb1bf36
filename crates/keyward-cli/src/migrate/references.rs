//! The dry run's check that every product and customer the mapping names exists at the target,
//! read by id, so a misspelt id shows in the plan rather than as refusals during `--apply`.

use keyward_core::LicenseError;

use super::mapping::Mapping;

/// What the mapping names that the target does not have (`product pdt_…`, `customer cus_…`);
/// `None` when the target cannot be asked (only Dodo's products and customers can be read by id).
pub(crate) async fn missing(
    dodo: Option<&keyward_dodo::Client>,
    mapping: &Mapping,
) -> Result<Option<Vec<String>>, LicenseError> {
    let Some(dodo) = dodo else {
        return Ok(None);
    };
    let (products, customers) = mapping.references();
    let catalogue = dodo.catalogue();
    let mut missing = Vec::new();
    for product in products {
        if absent(catalogue.product(product).await)? {
            missing.push(format!("product {product}"));
        }
    }
    for customer in customers {
        if absent(catalogue.customer(customer).await)? {
            missing.push(format!("customer {customer}"));
        }
    }
    Ok(Some(missing))
}

/// Whether a lookup said "no such thing"; any other error stops the dry run.
fn absent<T>(found: Result<T, LicenseError>) -> Result<bool, LicenseError> {
    match found {
        Ok(_) => Ok(false),
        Err(e) if e.is_not_found() => Ok(true),
        Err(e) => Err(e),
    }
}
