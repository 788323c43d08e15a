//! Rebuild when migrations or templates change: `embed_migrations!` and askama
//! read them at compile time.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=static");
}
