//! Paths of public pages, in the pattern Chinese government sites already use.
