//! The add-user form gives nobody a role by default: the coordinator must choose one,
//! so leaving the form as it is never makes another coordinator.

#![allow(dead_code, unused_imports)]

include!("support/harness.rs");

fn the_add_user_form_makes_the_coordinator_choose_a_role(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let server = Server::start(&world);
    let mut browser = Client::signed_in(&server, &world.account(Role::Coordinator).username);
    let page = browser.get("/users");
    page.expect(200);
    // The new-user form's role list: its only pre-selected entry is the empty choice.
    let form = &page.body[page
        .body
        .find("id=\"new-user\"")
        .expect("the add-user form")..];
    let select = &form[form
        .find("<select class=\"govuk-select\" id=\"role\"")
        .expect("the role list")..];
    let select = &select[..select.find("</select>").expect("the end of the list")];
    let selected: Vec<&str> = select
        .split("<option")
        .skip(1)
        .filter(|option| option.contains(" selected"))
        .collect();
    assert_eq!(selected.len(), 1, "{select}");
    assert!(selected[0].contains("value=\"\""), "{select}");

    // Sent without choosing, the form is refused with the reason, and nobody is made.
    let csrf = page.hidden("csrf_token");
    let before = world.place.open().users().expect("users").len();
    for role in [None, Some("")] {
        let mut fields = vec![
            ("csrf_token", csrf.as_str()),
            ("username", "no-role-chosen"),
            ("display_name", "No Role Chosen"),
            ("organisation", ""),
            ("password", "a long enough password"),
        ];
        if let Some(role) = role {
            fields.push(("role", role));
        }
        browser
            .post_form("/users", &fields)
            .expect(400)
            .shows("Choose a role");
    }
    assert_eq!(world.place.open().users().expect("users").len(), before);
}

scenarios!(the_add_user_form_makes_the_coordinator_choose_a_role);
