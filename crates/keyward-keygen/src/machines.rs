//! `/machines`: activation (create), deactivation (delete by id or fingerprint), reading,
//! listing, heartbeats and machine files.

use keyward_core::LicenseError;
use keyward_http::{Idempotency, Request};

use crate::client::{Client, JSON_API};
use crate::models::{Checkout, CheckoutOptions, Document, Machine, NewMachine};
use crate::pagination::Listing;

const PATH: &str = "machines";

/// The `machines` resource.
#[derive(Debug, Clone)]
pub struct Machines {
    client: Client,
}

impl Machines {
    pub(crate) fn new(client: Client) -> Self {
        Self { client }
    }

    /// `POST /machines`: activates a machine (201). Never retried once it may have left: a
    /// second activation of the same fingerprint is `422 FINGERPRINT_TAKEN`, and a full
    /// license `422 MACHINE_LIMIT_EXCEEDED`.
    pub async fn activate(&self, machine: &NewMachine) -> Result<Document<Machine>, LicenseError> {
        let request = Request::post("activate machine", self.client.path(&[PATH]))?
            .json_as(JSON_API, &machine.to_document())?;
        let request = self.client.prepare(request, true)?;
        self.client.send_document(request).await
    }

    /// `DELETE /machines/{id}` (an id or a fingerprint): 204.
    pub async fn deactivate(&self, id_or_fingerprint: &str) -> Result<(), LicenseError> {
        let request = Request::delete(
            "deactivate machine",
            self.client.path(&[PATH, id_or_fingerprint]),
        )?;
        let request = self.client.prepare(request, true)?;
        self.client.send_empty(request).await
    }

    /// `GET /machines/{id}` (an id or a fingerprint).
    pub async fn get(&self, id_or_fingerprint: &str) -> Result<Document<Machine>, LicenseError> {
        let request = Request::get(
            "retrieve machine",
            self.client.path(&[PATH, id_or_fingerprint]),
        )?;
        let request = self.client.prepare(request, true)?;
        self.client.send_document(request).await
    }

    /// `GET /machines` with filters and paging: finish with `.send()` or `.stream()`.
    pub fn list(&self) -> ListMachines {
        Listing::new(&self.client, "list machines", PATH)
    }

    /// `POST /machines/{id}/actions/ping`: a heartbeat. Retried like an idempotent call (a
    /// second ping only moves `lastHeartbeat`).
    pub async fn ping(&self, id: &str) -> Result<Document<Machine>, LicenseError> {
        self.heartbeat("ping machine heartbeat", id, "ping").await
    }

    /// `POST /machines/{id}/actions/reset`: forgets the machine's heartbeat (its
    /// `heartbeatStatus` is `NOT_STARTED` again), as an admin may (`heartbeats_controller.rb`).
    /// Retried like an idempotent call (a second reset changes nothing).
    pub async fn reset_heartbeat(&self, id: &str) -> Result<Document<Machine>, LicenseError> {
        self.heartbeat("reset machine heartbeat", id, "reset").await
    }

    /// A heartbeat action (`ping`, `reset`): both safe to repeat, both answer the machine.
    async fn heartbeat(
        &self,
        operation: &'static str,
        id: &str,
        action: &str,
    ) -> Result<Document<Machine>, LicenseError> {
        let request = Request::post(operation, self.client.path(&[PATH, id, "actions", action]))?
            .idempotency_override(Idempotency::Idempotent);
        let request = self
            .client
            .prepare(request, true)?
            .header("content-type", JSON_API)?;
        self.client.send_document(request).await
    }

    /// `POST /machines/{id}/actions/check-out`: a machine file (verify it with
    /// [`MachineFile`](crate::MachineFile) before reading it).
    pub async fn check_out(
        &self,
        id: &str,
        options: &CheckoutOptions,
    ) -> Result<Document<Checkout>, LicenseError> {
        let path = [PATH, id, "actions", "check-out"];
        self.client
            .check_out("check out machine", &path, options)
            .await
    }

    /// `GET /machines/{id}/actions/check-out`: the machine file's certificate alone.
    pub async fn download_file(
        &self,
        id: &str,
        options: &CheckoutOptions,
    ) -> Result<String, LicenseError> {
        let path = [PATH, id, "actions", "check-out"];
        self.client
            .download("download machine file", &path, options)
            .await
    }
}

/// A machine listing being set up: filters here, paging on [`Listing`].
pub type ListMachines = Listing<Machine>;

impl Listing<Machine> {
    /// `license=…`: the license's id (Keygen's `for_license` compares ids; a key matches none).
    pub fn license(self, id: &str) -> Self {
        self.filter("license", id)
    }

    /// `fingerprint=…`.
    pub fn fingerprint(self, fingerprint: &str) -> Self {
        self.filter("fingerprint", fingerprint)
    }

    /// `product=…`.
    pub fn product(self, id: &str) -> Self {
        self.filter("product", id)
    }

    /// `owner=…`.
    pub fn owner(self, id: &str) -> Self {
        self.filter("owner", id)
    }
}
