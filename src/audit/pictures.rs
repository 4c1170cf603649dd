//! The pictures of the easy-read pages: simple line drawings, each with a text alternative.

fn svg(label: &str, body: &str) -> String {
    format!(
        "<svg class=\"pic\" viewBox=\"0 0 100 100\" width=\"100\" height=\"100\" role=\"img\" aria-label=\"{label}\" xmlns=\"http://www.w3.org/2000/svg\"><title>{label}</title>{body}</svg>"
    )
}
/// A parcel arriving.
pub fn parcel() -> String {
    svg(
        "A parcel",
        "<rect x=\"15\" y=\"30\" width=\"70\" height=\"55\" fill=\"#f4c27a\" stroke=\"#6b4a12\" stroke-width=\"4\"/><path d=\"M15 30 L50 15 L85 30\" fill=\"#f9dba8\" stroke=\"#6b4a12\" stroke-width=\"4\"/><rect x=\"44\" y=\"30\" width=\"12\" height=\"55\" fill=\"#c98d2e\"/>",
    )
}
/// A group of people.
pub fn people() -> String {
    svg(
        "A group of people",
        "<circle cx=\"30\" cy=\"35\" r=\"11\" fill=\"#5b8def\"/><circle cx=\"70\" cy=\"35\" r=\"11\" fill=\"#e5736b\"/><circle cx=\"50\" cy=\"30\" r=\"12\" fill=\"#49a96b\"/><path d=\"M12 80 Q30 50 48 80 Z\" fill=\"#5b8def\"/><path d=\"M52 80 Q70 50 88 80 Z\" fill=\"#e5736b\"/><path d=\"M30 85 Q50 48 70 85 Z\" fill=\"#49a96b\"/>",
    )
}
/// A padlock.
pub fn padlock() -> String {
    svg(
        "A padlock",
        "<path d=\"M32 45 V32 A18 18 0 0 1 68 32 V45\" fill=\"none\" stroke=\"#444\" stroke-width=\"7\"/><rect x=\"22\" y=\"45\" width=\"56\" height=\"42\" rx=\"6\" fill=\"#f2b632\" stroke=\"#444\" stroke-width=\"4\"/><circle cx=\"50\" cy=\"63\" r=\"6\" fill=\"#444\"/><rect x=\"47\" y=\"63\" width=\"6\" height=\"14\" fill=\"#444\"/>",
    )
}
/// A letter in an envelope.
pub fn envelope() -> String {
    svg(
        "A letter",
        "<rect x=\"12\" y=\"25\" width=\"76\" height=\"52\" fill=\"#fff\" stroke=\"#2b5ca8\" stroke-width=\"5\"/><path d=\"M12 25 L50 55 L88 25\" fill=\"none\" stroke=\"#2b5ca8\" stroke-width=\"5\"/>",
    )
}
/// A calendar page.
pub fn calendar() -> String {
    svg(
        "A calendar",
        "<rect x=\"15\" y=\"20\" width=\"70\" height=\"65\" rx=\"5\" fill=\"#fff\" stroke=\"#333\" stroke-width=\"4\"/><rect x=\"15\" y=\"20\" width=\"70\" height=\"18\" fill=\"#d9534f\"/><circle cx=\"32\" cy=\"55\" r=\"4\" fill=\"#333\"/><circle cx=\"50\" cy=\"55\" r=\"4\" fill=\"#333\"/><circle cx=\"68\" cy=\"55\" r=\"4\" fill=\"#333\"/><circle cx=\"32\" cy=\"71\" r=\"4\" fill=\"#333\"/><circle cx=\"50\" cy=\"71\" r=\"4\" fill=\"#d9534f\"/>",
    )
}
/// A paper going back, with an arrow.
pub fn send_back() -> String {
    svg(
        "Sending a paper back",
        "<rect x=\"40\" y=\"18\" width=\"44\" height=\"60\" fill=\"#fff\" stroke=\"#333\" stroke-width=\"4\"/><path d=\"M50 35 H74 M50 48 H74 M50 61 H66\" stroke=\"#999\" stroke-width=\"4\"/><path d=\"M38 70 H10 M22 58 L10 70 L22 82\" fill=\"none\" stroke=\"#49a96b\" stroke-width=\"7\" stroke-linecap=\"round\" stroke-linejoin=\"round\"/>",
    )
}
/// A hand held up: stop.
pub fn stop() -> String {
    svg(
        "A hand held up to say stop",
        "<circle cx=\"50\" cy=\"50\" r=\"40\" fill=\"#fde2e1\" stroke=\"#d9534f\" stroke-width=\"5\"/><rect x=\"36\" y=\"28\" width=\"8\" height=\"32\" rx=\"4\" fill=\"#d9534f\"/><rect x=\"46\" y=\"24\" width=\"8\" height=\"36\" rx=\"4\" fill=\"#d9534f\"/><rect x=\"56\" y=\"28\" width=\"8\" height=\"32\" rx=\"4\" fill=\"#d9534f\"/><rect x=\"34\" y=\"50\" width=\"32\" height=\"24\" rx=\"8\" fill=\"#d9534f\"/>",
    )
}

/// A question mark in a speech bubble.
pub fn question() -> String {
    svg(
        "A question",
        "<path d=\"M15 20 H85 V68 H45 L28 84 V68 H15 Z\" fill=\"#eaf2fd\" stroke=\"#2b5ca8\" stroke-width=\"4\"/><path d=\"M40 36 A10 10 0 1 1 52 46 Q50 48 50 54\" fill=\"none\" stroke=\"#2b5ca8\" stroke-width=\"6\" stroke-linecap=\"round\"/><circle cx=\"50\" cy=\"61\" r=\"4\" fill=\"#2b5ca8\"/>",
    )
}
/// A tick and a cross: yes or no, both fine.
pub fn yes_or_no() -> String {
    svg(
        "A tick and a cross",
        "<rect x=\"8\" y=\"30\" width=\"38\" height=\"38\" rx=\"4\" fill=\"#fff\" stroke=\"#333\" stroke-width=\"4\"/><path d=\"M15 50 L24 60 L40 38\" fill=\"none\" stroke=\"#49a96b\" stroke-width=\"6\" stroke-linecap=\"round\"/><rect x=\"54\" y=\"30\" width=\"38\" height=\"38\" rx=\"4\" fill=\"#fff\" stroke=\"#333\" stroke-width=\"4\"/><path d=\"M62 38 L84 60 M84 38 L62 60\" stroke=\"#d9534f\" stroke-width=\"6\" stroke-linecap=\"round\"/>",
    )
}
/// Two arrows going round: changing your mind.
pub fn change() -> String {
    svg(
        "Arrows going round",
        "<path d=\"M25 50 A25 25 0 0 1 70 32\" fill=\"none\" stroke=\"#2b5ca8\" stroke-width=\"7\" stroke-linecap=\"round\"/><path d=\"M62 22 L74 33 L60 40\" fill=\"none\" stroke=\"#2b5ca8\" stroke-width=\"6\" stroke-linecap=\"round\" stroke-linejoin=\"round\"/><path d=\"M75 50 A25 25 0 0 1 30 68\" fill=\"none\" stroke=\"#49a96b\" stroke-width=\"7\" stroke-linecap=\"round\"/><path d=\"M38 78 L26 67 L40 60\" fill=\"none\" stroke=\"#49a96b\" stroke-width=\"6\" stroke-linecap=\"round\" stroke-linejoin=\"round\"/>",
    )
}
/// Two people side by side: someone helping.
pub fn helper() -> String {
    svg(
        "Two people, one helping the other",
        "<circle cx=\"35\" cy=\"30\" r=\"11\" fill=\"#5b8def\"/><circle cx=\"67\" cy=\"34\" r=\"10\" fill=\"#f2b632\"/><path d=\"M17 86 Q35 48 53 86 Z\" fill=\"#5b8def\"/><path d=\"M51 86 Q67 52 83 86 Z\" fill=\"#f2b632\"/><path d=\"M45 60 L60 58\" stroke=\"#444\" stroke-width=\"5\" stroke-linecap=\"round\"/>",
    )
}
