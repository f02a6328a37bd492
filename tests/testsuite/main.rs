//! The one integration-test binary. Each module covers one area; `support` holds the helpers.

mod render;
mod rules;
mod support;
mod swimlane;
