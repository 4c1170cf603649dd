pub fn run(
    _ctx: &crate::Ctx,
    _out: &std::path::Path,
    _f: Option<&std::path::Path>,
) -> crate::error::Result<crate::output::Outcome> {
    Err(crate::error::Error::Internal("demo".into()))
}
