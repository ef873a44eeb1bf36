//! The ports `licensectl emulate` listens on: `--port` and the consecutive ports after it, each
//! overridden by its own flag; and the message of a port that cannot be bound.

use std::io::ErrorKind;

use crate::cli::EmulateArgs;

/// The ports asked for (0: any free one).
pub(super) struct Ports {
    pub(super) dodo: u16,
    pub(super) lemonsqueezy: u16,
    pub(super) polar: u16,
    pub(super) creem: u16,
    pub(super) gumroad: u16,
    pub(super) devpayr: u16,
    pub(super) signed: u16,
    pub(super) control: u16,
    pub(super) keygen: u16,
}

impl From<&EmulateArgs> for Ports {
    fn from(a: &EmulateArgs) -> Self {
        let base = |offset: u16| a.port.map_or(0, |p| p.saturating_add(offset));
        Self {
            dodo: a.dodo_port.unwrap_or_else(|| base(0)),
            lemonsqueezy: a.lemonsqueezy_port.unwrap_or_else(|| base(1)),
            devpayr: a.devpayr_port.unwrap_or_else(|| base(2)),
            signed: a.signed_license_port.unwrap_or_else(|| base(3)),
            control: a.control_port.unwrap_or_else(|| base(4)),
            // After the control API, whose port predates them: Keygen first, then Polar, Creem
            // and Gumroad.
            keygen: a.keygen_port.unwrap_or_else(|| base(5)),
            polar: a.polar_port.unwrap_or_else(|| base(6)),
            creem: a.creem_port.unwrap_or_else(|| base(7)),
            gumroad: a.gumroad_port.unwrap_or_else(|| base(8)),
        }
    }
}

/// Why `port` could not be bound, naming the flag that moves it.
pub(super) fn port_error(port: u16, what: &str, flag: &str, e: &std::io::Error) -> String {
    if e.kind() == ErrorKind::AddrInUse {
        format!(
            "port {port} ({what}) is already in use on 127.0.0.1: stop what listens there, or \
             choose another with {flag} or --port"
        )
    } else {
        format!("cannot listen on 127.0.0.1:{port} ({what}): {e}")
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::Ports;
    use crate::cli::{Cli, Command};

    fn ports(args: &[&str]) -> Ports {
        let cli = Cli::try_parse_from([&["licensectl", "emulate"][..], args].concat()).unwrap();
        let Command::Emulate(args) = cli.command else {
            panic!("not emulate: {:?}", cli.command)
        };
        Ports::from(&args)
    }

    fn layout(p: &Ports) -> [u16; 9] {
        [
            p.dodo,
            p.lemonsqueezy,
            p.devpayr,
            p.signed,
            p.control,
            p.keygen,
            p.polar,
            p.creem,
            p.gumroad,
        ]
    }

    #[test]
    fn port_gives_each_emulator_its_own_port_keygen_polar_creem_gumroad_after_the_control_api() {
        let all = [4010, 4011, 4012, 4013, 4014, 4015, 4016, 4017, 4018];
        assert_eq!(layout(&ports(&["--port", "4010"])), all);
        let moved = ports(&[
            "--port",
            "4010",
            "--polar-port",
            "9000",
            "--keygen-port",
            "9001",
            "--gumroad-port",
            "9002",
        ]);
        assert_eq!(
            layout(&moved),
            [4010, 4011, 4012, 4013, 4014, 9001, 9000, 4017, 9002]
        );
        assert_eq!(layout(&ports(&[])), [0; 9]);
    }
}
