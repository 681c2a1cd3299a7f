//! The `infractl` binary: parses arguments and hands over to the CLI module.

use clap::Parser;

fn main() {
    let args = infractl::cli::normalize_args(std::env::args());
    let cli = match infractl::cli::Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 1 } else { 0 };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("Error: cannot start the async runtime: {e}");
            std::process::exit(1);
        }
    };
    let code = runtime.block_on(infractl::cli::run(cli));
    std::process::exit(code);
}
