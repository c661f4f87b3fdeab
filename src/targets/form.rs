//! The HTML form target (`<lang>/index.html`). Not yet written: see issue #5.

use super::{BuildOptions, Output};
use crate::ir::Survey;

/// The built-in templates of this target, by name.
pub const TEMPLATES: &[(&str, &str)] = &[];

/// Renders the form of every language.
pub fn build(
    _survey: &Survey,
    _options: &BuildOptions,
    _out: &mut Output,
) -> Result<(), super::BuildError> {
    Ok(())
}
