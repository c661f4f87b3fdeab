//! The codebooks (`<lang>/codebook.{html,md,csv,sps}`) and DDI-Codebook
//! (`codebook.ddi.xml`). Not yet written: see issue #6.

use super::{BuildOptions, Output};
use crate::ir::Survey;

/// The built-in templates of this target, by name.
pub const TEMPLATES: &[(&str, &str)] = &[];

/// Writes the codebooks of every language.
pub fn build(
    _survey: &Survey,
    _options: &BuildOptions,
    _out: &mut Output,
) -> Result<(), super::BuildError> {
    Ok(())
}

/// Writes the DDI-Codebook 2.5 file.
pub fn build_ddi(
    _survey: &Survey,
    _options: &BuildOptions,
    _out: &mut Output,
) -> Result<(), super::BuildError> {
    Ok(())
}
