//! Writes demo data to a file: `cargo run -p beacon-demo --example demo_csv -- OUT [SEED]`.
//! (The `beacon demo generate` command does the same with more options.)

use beacon_demo::{DemoConfig, generate};
use std::io::{BufWriter, Write};

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let out = args.next().unwrap_or_else(|| "demo.csv".to_owned());
    let seed = args.next().and_then(|s| s.parse().ok()).unwrap_or(1);
    let config = DemoConfig {
        seed,
        bad_rows: 10,
        duplicate_rows: 10,
        ..DemoConfig::default()
    };
    let expected = generate(&config, BufWriter::new(std::fs::File::create(&out)?))?;
    let json = serde_json::to_string_pretty(&expected).map_err(std::io::Error::other)?;
    writeln!(std::io::stderr(), "{json}")
}
