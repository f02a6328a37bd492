//! The one integration-test binary. Each module covers one area; `support` holds the helpers.

mod properties;
mod render;
mod rules;
mod scale;
mod support;
