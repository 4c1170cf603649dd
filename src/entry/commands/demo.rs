//! `handover demo`: the story so far, on the synthetic fixture community.

use crate::Ctx;
use crate::base::error::Result;
use crate::entry::cli::DemoArgs;
use crate::entry::output::Outcome;

/// Run the demo.
pub fn run(ctx: &Ctx, a: DemoArgs) -> Result<Outcome> {
    crate::entry::demo::run(ctx, &a.out, a.fixtures.as_deref(), super::dispatch)
}
