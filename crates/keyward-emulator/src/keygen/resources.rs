//! The account's licenses and machines as Keygen's serializers write them
//! (`license_serializer.rb`, `machine_serializer.rb`).

use serde_json::{Value, json};

use super::state::{LicenseRecord, MachineRecord, State, timestamp};

impl State {
    /// The license as Keygen's serializer writes it.
    pub(crate) fn license_resource(&self, license: &LicenseRecord) -> Value {
        let mut resource = self.license_resource_with_key(license);
        // `license_serializer.rb`: a legacy encrypted license's key is shown only as created.
        if license.scheme.as_deref() == Some(super::legacy::SCHEME)
            && let Some(attributes) = resource["attributes"].as_object_mut()
        {
            attributes.remove("key");
        }
        resource
    }

    /// The license with its key, as Keygen answers the request that creates it.
    pub(crate) fn license_resource_with_key(&self, license: &LicenseRecord) -> Value {
        let now = self.now();
        let status = super::filters::license_status(license, self.banned(license), now);
        let path = format!("{}/licenses/{}", self.account_path(), license.id);
        let machines = self.machines_of(&license.id);
        let cores: u64 = machines.iter().filter_map(|m| m.cores).sum();
        let entitlements: Vec<Value> = license
            .entitlements
            .iter()
            .map(|code| json!({"type": "entitlements", "id": code}))
            .collect();
        json!({
            "id": license.id,
            "type": "licenses",
            "attributes": {
                "name": license.name, "key": license.key,
                "expiry": license.expiry.map(timestamp), "status": status, "uses": license.uses,
                "suspended": license.suspended, "scheme": license.scheme,
                "encrypted": license.scheme.as_deref() == Some(super::legacy::SCHEME),
                "strict": license.strict, "floating": license.floating, "protected": license.protected,
                "version": license.last_validated_version, "maxMachines": license.machine_limit(),
                "maxProcesses": null, "maxUsers": license.max_users, "maxCores": license.max_cores,
                "maxMemory": license.max_memory, "maxDisk": license.max_disk, "maxUses": license.usage_limit(),
                "requireHeartbeat": license.require_heartbeat,
                "requireCheckIn": license.check_in_interval.is_some(),
                "lastValidated": license.last_validated.map(timestamp),
                "lastCheckIn": license.last_check_in.map(timestamp),
                "nextCheckIn": license.next_check_in().map(timestamp), "lastCheckOut": license.last_check_out.map(timestamp), "metadata": license.metadata,
                "created": timestamp(license.created), "updated": timestamp(license.updated),
            },
            "relationships": {
                "account": {"data": {"type": "accounts", "id": self.account_id}},
                "product": {"data": {"type": "products", "id": license.product_id}},
                "policy": {"data": {"type": "policies", "id": license.policy_id}},
                "owner": {"data": license.owner_id.as_ref().map(|id| json!({"type": "users", "id": id}))},
                "machines": {"links": {"related": format!("{path}/machines")}, "meta": {"cores": cores, "count": machines.len()}},
                "entitlements": {"data": entitlements},
            },
            "links": {"self": path},
        })
    }

    /// The machine as Keygen's serializer writes it.
    pub(crate) fn machine_resource(&self, machine: &MachineRecord) -> Value {
        let now = self.now();
        let license = self.license(&machine.license_id);
        let (require, duration) = license.map_or((false, 600), |l| {
            (l.require_heartbeat, l.heartbeat_duration)
        });
        let status = match (machine.last_heartbeat, license) {
            (_, Some(l)) if State::is_dead(l, machine, now) => "DEAD",
            (None, _) => "NOT_STARTED",
            (Some(_), _) => "ALIVE",
        };
        let next = machine.last_heartbeat.map(|t| {
            timestamp(t + chrono::Duration::seconds(i64::try_from(duration).unwrap_or(0)))
        });
        let path = format!("{}/machines/{}", self.account_path(), machine.id);
        json!({
            "id": machine.id,
            "type": "machines",
            "attributes": {
                "fingerprint": machine.fingerprint, "cores": machine.cores, "memory": machine.memory,
                "disk": machine.disk, "ip": machine.ip, "hostname": machine.hostname, "platform": machine.platform,
                "name": machine.name, "requireHeartbeat": require, "heartbeatStatus": status,
                "heartbeatDuration": duration, "maxProcesses": null, "lastCheckOut": null,
                "lastHeartbeat": machine.last_heartbeat.map(timestamp), "nextHeartbeat": next,
                "metadata": machine.metadata, "created": timestamp(machine.created), "updated": timestamp(machine.updated),
            },
            "relationships": {
                "account": {"data": {"type": "accounts", "id": self.account_id}},
                "license": {"data": {"type": "licenses", "id": machine.license_id}},
                "owner": {"data": machine.owner_id.as_ref().map(|id| json!({"type": "users", "id": id}))},
            },
            "links": {"self": path},
        })
    }
}
