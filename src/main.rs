fn main() -> std::process::ExitCode {
    stemmix::cli::main()
}
