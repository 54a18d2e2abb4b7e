//! Step 6: findings → bytes. Renderers format; they decide nothing.

pub mod human;
