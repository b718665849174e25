#![allow(missing_docs, clippy::unwrap_used)]
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let n: usize = std::env::args().nth(2).unwrap().parse().unwrap();
    let data = std::fs::read(path).unwrap();
    let mut total = 0;
    for _ in 0..n {
        let mut w = Vec::new();
        total += app_netutil::downward::parse(&data, "a", &mut w).len();
    }
    println!("{total}");
}
