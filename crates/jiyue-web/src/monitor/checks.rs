//! The schedule of the oversight checks: which check runs how often, each through the jobs
//! table so that on many nodes each run happens once.

use crate::App;

/// Runs every check whose job is due and whose lease this node takes.
pub(super) async fn run_due(app: &App) {
    // The checks join here as they are built; each runs through `super::run_job`.
    let _ = app;
}
