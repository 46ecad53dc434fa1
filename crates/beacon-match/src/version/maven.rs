//! Maven versions by the rules of Maven's `ComparableVersion`: the version splits on
//! `.`, `-` and digit/letter changes into a tree of numbers, qualifiers and sub-lists
//! (a `-` or a change between digits and letters opens a sub-list); trailing zeros and
//! release words (`ga`, `final`, `release`) are dropped; qualifiers order
//! `alpha < beta < milestone < rc < snapshot < "" < sp`, then other words
//! alphabetically; a number is newer than any qualifier.
//!
//! Written here (from the documented rules, no Rust crate implements them).

use super::compare_digits;
use std::cmp::Ordering;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    Number(String),
    Qualifier(String),
    List(Vec<Item>),
}

const QUALIFIERS: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];
const RELEASE_INDEX: usize = 5;

/// A qualifier's rank: known ones by their index, unknown ones after all of them.
fn rank(qualifier: &str) -> (usize, &str) {
    match QUALIFIERS.iter().position(|q| *q == qualifier) {
        Some(index) => (index, ""),
        None => (QUALIFIERS.len(), qualifier),
    }
}

fn qualifier(text: &str, followed_by_digit: bool) -> Item {
    let text = if followed_by_digit && text.len() == 1 {
        match text {
            "a" => "alpha",
            "b" => "beta",
            "m" => "milestone",
            other => other,
        }
    } else {
        text
    };
    let text = match text {
        "ga" | "final" | "release" => "",
        "cr" => "rc",
        other => other,
    };
    Item::Qualifier(text.to_owned())
}

fn item(text: &str, digits: bool, followed_by_digit: bool) -> Item {
    if digits {
        Item::Number(text.trim_start_matches('0').to_owned())
    } else {
        qualifier(text, followed_by_digit)
    }
}

fn is_null(item: &Item) -> bool {
    match item {
        Item::Number(n) => n.is_empty(),
        Item::Qualifier(q) => q.is_empty(),
        Item::List(list) => list.is_empty(),
    }
}

/// Maven's `normalize`: walking back from the end, null items go and lists are
/// stepped over, until the first other item.
fn normalise(list: &mut Vec<Item>) {
    let mut index = list.len();
    while index > 0 {
        index -= 1;
        if is_null(&list[index]) {
            list.remove(index);
        } else if !matches!(list[index], Item::List(_)) {
            break;
        }
    }
}

/// Parses into Maven's item tree. Each `-` or digit/letter change opens a list inside
/// the current one, so the open lists form a stack, closed into their parents at the
/// end (nothing is added to a parent after its child opens, so order is kept).
fn parse(version: &str) -> Vec<Item> {
    let version = version.to_ascii_lowercase();
    let chars: Vec<char> = version.chars().collect();
    // Each level is the items of an open list; closing appends it to its parent.
    let mut stack: Vec<Vec<Item>> = vec![Vec::new()];
    let mut start = 0;
    let mut digits = false;
    let text = |from: usize, to: usize| chars[from..to].iter().collect::<String>();
    for (index, &c) in chars.iter().enumerate() {
        let top = stack.len() - 1;
        if c == '.' {
            let value = if index == start {
                Item::Number(String::new())
            } else {
                item(&text(start, index), digits, false)
            };
            stack[top].push(value);
            start = index + 1;
        } else if c == '-' {
            let value = if index == start {
                Item::Number(String::new())
            } else {
                item(&text(start, index), digits, false)
            };
            stack[top].push(value);
            start = index + 1;
            stack.push(Vec::new());
        } else if c.is_ascii_digit() {
            if !digits && index > start {
                // `1.0.0.X1 < 1.0.0-X2`: a qualifier after a dot opens a list too.
                if !stack[top].is_empty() {
                    stack.push(Vec::new());
                }
                let top = stack.len() - 1;
                stack[top].push(qualifier(&text(start, index), true));
                start = index;
                stack.push(Vec::new());
            }
            digits = true;
        } else {
            if digits && index > start {
                stack[top].push(item(&text(start, index), true, false));
                start = index;
                stack.push(Vec::new());
            }
            digits = false;
        }
    }
    if chars.len() > start {
        let top = stack.len() - 1;
        if !digits && !stack[top].is_empty() {
            stack.push(Vec::new());
        }
        let top = stack.len() - 1;
        stack[top].push(item(&text(start, chars.len()), digits, false));
    }
    // Close every open list into its parent, normalising each as Maven does.
    while stack.len() > 1 {
        let mut list = stack.pop().expect("more than one level is open");
        normalise(&mut list);
        let top = stack.len() - 1;
        stack[top].push(Item::List(list));
    }
    let mut root = stack.pop().expect("the root list is open");
    normalise(&mut root);
    root
}

fn against_nothing(item: &Item) -> Ordering {
    match item {
        Item::Number(n) => {
            if n.is_empty() {
                Ordering::Equal
            } else {
                Ordering::Greater
            }
        }
        Item::Qualifier(q) => rank(q).cmp(&(RELEASE_INDEX, "")),
        Item::List(list) => list.first().map_or(Ordering::Equal, against_nothing),
    }
}

fn compare_items(a: &Item, b: &Item) -> Ordering {
    match (a, b) {
        (Item::Number(x), Item::Number(y)) => compare_digits(x, y),
        (Item::Number(_), _) => Ordering::Greater,
        (Item::Qualifier(_), Item::Number(_)) => Ordering::Less,
        (Item::Qualifier(x), Item::Qualifier(y)) => rank(x).cmp(&rank(y)),
        (Item::Qualifier(_), Item::List(_)) => Ordering::Less,
        (Item::List(_), Item::Number(_)) => Ordering::Less,
        (Item::List(_), Item::Qualifier(_)) => Ordering::Greater,
        (Item::List(x), Item::List(y)) => compare_lists(x, y),
    }
}

fn compare_lists(a: &[Item], b: &[Item]) -> Ordering {
    for index in 0..a.len().max(b.len()) {
        let order = match (a.get(index), b.get(index)) {
            (Some(x), Some(y)) => compare_items(x, y),
            (Some(x), None) => against_nothing(x),
            (None, Some(y)) => against_nothing(y).reverse(),
            (None, None) => Ordering::Equal,
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    Ordering::Equal
}

/// Compares two Maven versions (every string is a Maven version).
pub(super) fn compare(a: &str, b: &str) -> Option<Ordering> {
    Some(compare_lists(&parse(a), &parse(b)))
}
