//! Breaks recursive types with `Box`.
//!
//! A type that contains itself directly (through fields, `Option`s or union variants, but not
//! through a `Vec` or map, which are already on the heap) has no finite size. Within each strongly
//! connected component of the "contains directly" graph, every direct edge is boxed; a type alias
//! inside such a component becomes a newtype, since Rust aliases cannot be recursive.

use super::{NewtypeDef, TypeDef, TypeKind, TypeRef};

pub(crate) fn break_cycles(defs: &mut [TypeDef]) {
    let edges: Vec<Vec<usize>> = defs.iter().map(direct_targets).collect();
    let component = strongly_connected(&edges);
    let self_loop: Vec<bool> = edges
        .iter()
        .enumerate()
        .map(|(i, targets)| targets.contains(&i))
        .collect();
    let cyclic =
        |i: usize| self_loop[i] || component.iter().filter(|&&c| c == component[i]).count() > 1;
    for index in 0..defs.len() {
        if !cyclic(index) {
            continue;
        }
        let own = component[index];
        let in_cycle = |target: usize| component[target] == own;
        match &mut defs[index].kind {
            TypeKind::Struct(def) => {
                for field in &mut def.fields {
                    box_direct(&mut field.ty, &in_cycle);
                }
            }
            TypeKind::Tagged(def) => {
                for ty in def.variants.iter_mut().filter_map(|v| v.payload.ty_mut()) {
                    box_direct(ty, &in_cycle);
                }
            }
            TypeKind::Untagged(def) => {
                for variant in &mut def.variants {
                    box_direct(&mut variant.ty, &in_cycle);
                }
            }
            TypeKind::Newtype(def) => box_direct(&mut def.inner, &in_cycle),
            TypeKind::Alias(target) => {
                let mut inner = target.clone();
                box_direct(&mut inner, &in_cycle);
                defs[index].kind = TypeKind::Newtype(NewtypeDef {
                    inner,
                    constraints: super::Constraints::default(),
                });
            }
            TypeKind::Enum(_) => {}
        }
    }
}

fn direct_targets(def: &TypeDef) -> Vec<usize> {
    let mut targets = Vec::new();
    let mut collect = |ty: &TypeRef| direct(ty, &mut targets);
    match &def.kind {
        TypeKind::Struct(def) => def.fields.iter().for_each(|f| collect(&f.ty)),
        TypeKind::Tagged(def) => def
            .variants
            .iter()
            .filter_map(|v| v.payload.ty())
            .for_each(collect),
        TypeKind::Untagged(def) => def.variants.iter().for_each(|v| collect(&v.ty)),
        TypeKind::Newtype(def) => collect(&def.inner),
        // An alias is its target: a cycle through `Vec` still makes the alias infinite.
        TypeKind::Alias(target) => all_named(target, &mut targets),
        TypeKind::Enum(_) => {}
    }
    targets
}

fn direct(ty: &TypeRef, out: &mut Vec<usize>) {
    match ty {
        TypeRef::Named(index) => out.push(*index),
        TypeRef::Option(inner) => direct(inner, out),
        TypeRef::Vec(_) | TypeRef::Map(_) | TypeRef::Boxed(_) | TypeRef::Builtin(_) => {}
    }
}

fn all_named(ty: &TypeRef, out: &mut Vec<usize>) {
    match ty {
        TypeRef::Named(index) => out.push(*index),
        TypeRef::Option(inner)
        | TypeRef::Vec(inner)
        | TypeRef::Map(inner)
        | TypeRef::Boxed(inner) => all_named(inner, out),
        TypeRef::Builtin(_) => {}
    }
}

fn box_direct(ty: &mut TypeRef, in_cycle: &dyn Fn(usize) -> bool) {
    match ty {
        TypeRef::Named(index) if in_cycle(*index) => {
            *ty = TypeRef::Boxed(Box::new(ty.clone()));
        }
        TypeRef::Option(inner) => box_direct(inner, in_cycle),
        _ => {}
    }
}

/// Tarjan's algorithm, iterative (specs nest deep enough to overflow a recursive one):
/// the component id of every node.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut component = vec![UNSEEN; n];
    let mut next_index = 0;
    let mut next_component = 0;
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        // (node, position in its edge list)
        let mut work = vec![(root, 0)];
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (node, ref mut position)) = work.last_mut() {
            if let Some(&target) = edges[node].get(*position) {
                *position += 1;
                if index[target] == UNSEEN {
                    index[target] = next_index;
                    low[target] = next_index;
                    next_index += 1;
                    stack.push(target);
                    on_stack[target] = true;
                    work.push((target, 0));
                } else if on_stack[target] {
                    low[node] = low[node].min(index[target]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::strongly_connected;

    #[test]
    fn components_of_a_small_graph() {
        // 0 → 1 → 2 → 0, 3 → 3, 4 → 0
        let edges = vec![vec![1], vec![2], vec![0], vec![3], vec![0]];
        let c = strongly_connected(&edges);
        assert_eq!(c[0], c[1]);
        assert_eq!(c[1], c[2]);
        assert_ne!(c[0], c[3]);
        assert_ne!(c[0], c[4]);
        assert_ne!(c[3], c[4]);
    }
}
