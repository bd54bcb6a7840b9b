//! The web layer: server-rendered HTML pages, apart from the JSON protocol.
//! Today that is the admin console at `/console` (`console/`); the hosted
//! login pages will sit beside it and share these parts:
//!
//! - `cookies`: reading and setting cookies (`HttpOnly`, `SameSite=Strict`,
//!   `Secure` over https);
//! - `form`: an urlencoded form as name/value pairs;
//! - `page`: rendering a template into a response, with the security headers
//!   every page gets;
//! - `assets`: the stylesheet and the little script, compiled into the binary.
//!
//! Templates live in `crates/server/templates/` and are compiled into the
//! binary by askama. Handlers are thin: read the request, call the service
//! (for the console, through the same validation and dispatch as `POST /`),
//! render.

mod assets;
pub(crate) mod console;
mod cookies;
mod form;
pub(crate) mod hosted;
mod page;

use axum::Router;

use crate::config::Config;
use crate::state::AppState;

/// The routes of every page, to merge into the main router.
pub fn router(cfg: &Config) -> Router<AppState> {
    let mut app = Router::new()
        .merge(assets::router())
        .merge(hosted::router());
    if cfg.console.enabled {
        app = app.merge(console::router());
    }
    app
}
