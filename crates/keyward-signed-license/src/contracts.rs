//! Contracts and telemetry data.

use keyward_core::LicenseError;

use crate::client::{Client, Op, field_on, unit_on};
use crate::models::{Contract, ContractSpec, Reply, TelemetryRecord};

impl Client {
    /// `GET /get-all-contracts` (846).
    pub async fn contracts(&self) -> Result<Reply<Vec<Contract>>, LicenseError> {
        self.reply(
            Op::get("get all contracts", "get-all-contracts"),
            field_on(&[846], "contracts"),
        )
        .await
    }

    /// `POST /create-contract` (841 with the contract).
    pub async fn create_contract(
        &self,
        contract: &ContractSpec,
    ) -> Result<Reply<Contract>, LicenseError> {
        let op = Op::post("create contract", "create-contract")
            .fields(contract.fields())
            .secret(&contract.contract_key);
        self.reply(op, field_on(&[841], "contract")).await
    }

    /// `POST /update-contract` (842; the documented example signs 841, accepted too).
    pub async fn update_contract(
        &self,
        contract_id: u64,
        contract: &ContractSpec,
    ) -> Result<Reply<Contract>, LicenseError> {
        let op = Op::post("update contract", "update-contract")
            .field("contract_id", contract_id.to_string())
            .fields(contract.fields())
            .secret(&contract.contract_key);
        self.reply(op, field_on(&[842, 841], "contract")).await
    }

    /// `POST /delete-contract` (843; 844 when not found).
    pub async fn delete_contract(&self, contract_id: u64) -> Result<Reply<()>, LicenseError> {
        let op = Op::post("delete contract", "delete-contract")
            .field("contract_id", contract_id.to_string());
        self.reply(op, unit_on(&[843])).await
    }

    /// `GET /get-telemetry-data` (970).
    pub async fn telemetry_data(&self) -> Result<Reply<Vec<TelemetryRecord>>, LicenseError> {
        self.reply(
            Op::get("get telemetry data", "get-telemetry-data"),
            field_on(&[970], "data"),
        )
        .await
    }
}
