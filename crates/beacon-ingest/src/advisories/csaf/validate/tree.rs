//! Where a document defines and names products and product groups, with their JSON
//! pointers, shared by the tests that check references and identifiers.

use super::{indexed, string};
use serde_json::Value;

/// A full product name: where it is, and the value.
#[derive(Debug)]
pub(super) struct FullProduct<'a> {
    /// JSON pointer of the full product name object.
    pub path: String,
    /// The object.
    pub value: &'a Value,
}

/// A branch: where it is, and the value.
#[derive(Debug)]
pub(super) struct Branch<'a> {
    /// JSON pointer of the branch object.
    pub path: String,
    /// The object.
    pub value: &'a Value,
}

/// The product tree's definitions.
#[derive(Debug, Default)]
pub(super) struct Tree<'a> {
    /// Every full product name (branches, full_product_names, relationships), in order.
    pub products: Vec<FullProduct<'a>>,
    /// Every branch, in document order.
    pub branches: Vec<Branch<'a>>,
    /// Product groups: (pointer, group id, product ids).
    pub groups: Vec<(String, &'a str, Vec<&'a str>)>,
}

impl<'a> Tree<'a> {
    /// Collects the definitions of a document's product tree.
    pub(super) fn of(document: &'a Value) -> Tree<'a> {
        let mut tree = Tree::default();
        let Some(product_tree) = document.get("product_tree") else {
            return tree;
        };
        for (index, branch) in indexed(product_tree, "branches") {
            tree.walk(branch, format!("/product_tree/branches/{index}"));
        }
        for (index, full) in indexed(product_tree, "full_product_names") {
            tree.products.push(FullProduct {
                path: format!("/product_tree/full_product_names/{index}"),
                value: full,
            });
        }
        for (index, relationship) in indexed(product_tree, "relationships") {
            if let Some(full) = relationship.get("full_product_name") {
                tree.products.push(FullProduct {
                    path: format!("/product_tree/relationships/{index}/full_product_name"),
                    value: full,
                });
            }
        }
        for (index, group) in indexed(product_tree, "product_groups") {
            if let Some(id) = string(group, "group_id") {
                let members = indexed(group, "product_ids")
                    .filter_map(|(_, id)| id.as_str())
                    .collect();
                tree.groups
                    .push((format!("/product_tree/product_groups/{index}"), id, members));
            }
        }
        tree
    }

    fn walk(&mut self, branch: &'a Value, path: String) {
        if let Some(product) = branch.get("product") {
            self.products.push(FullProduct {
                path: format!("{path}/product"),
                value: product,
            });
        }
        for (index, child) in indexed(branch, "branches") {
            self.walk(child, format!("{path}/branches/{index}"));
        }
        self.branches.push(Branch {
            path,
            value: branch,
        });
    }

    /// True when a full product name defines this product id.
    pub(super) fn defines(&self, product_id: &str) -> bool {
        self.products
            .iter()
            .any(|product| string(product.value, "product_id") == Some(product_id))
    }

    /// True when a product group has this id.
    pub(super) fn defines_group(&self, group_id: &str) -> bool {
        self.groups.iter().any(|(_, id, _)| *id == group_id)
    }

    /// The product ids of a group (empty when undefined).
    pub(super) fn members(&self, group_id: &str) -> Vec<&'a str> {
        self.groups
            .iter()
            .filter(|(_, id, _)| *id == group_id)
            .flat_map(|(_, _, members)| members.iter().copied())
            .collect()
    }
}
