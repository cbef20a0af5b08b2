//! Entry point of the Nextdate desktop app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    nextdate_app::run()
}
