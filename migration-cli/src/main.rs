fn main() {
    println!("vivantio2intercom: under construction");
}
