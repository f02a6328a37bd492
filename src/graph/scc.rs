//! Strongly connected components without recursion.
//!
//! petgraph's `tarjan_scc` recurses once per node on a path, so a use case that is a chain of
//! 20,000 steps (or a catalogue whose use cases call each other in a chain of that length)
//! overflows a worker thread's stack and aborts the whole run. This is the same algorithm
//! (Pearce's variant of Tarjan's, as petgraph implements it) with an explicit stack of frames:
//! it visits nodes and neighbours in the same order and returns the same components in the same
//! order, so swapping it in changes no output.

use petgraph::visit::{IntoNeighbors, IntoNodeIdentifiers, NodeIndexable};

/// The strongly connected components of `g`, in reverse topological order (a component before
/// those that lead to it), exactly as `petgraph::algo::tarjan_scc` returns them. Memory is
/// O(V) on the heap; the call stack does not grow with the graph.
pub fn tarjan_scc<G>(g: G) -> Vec<Vec<G::NodeId>>
where
    G: IntoNodeIdentifiers + IntoNeighbors + NodeIndexable,
    G::NodeId: Copy + PartialEq,
{
    // 0: not visited yet; otherwise the node's root index, then its component's number, counted
    // down from usize::MAX (always above every root index).
    let mut rootindex: Vec<usize> = vec![0; g.node_bound()];
    let mut index = 1;
    let mut component = usize::MAX;
    let mut stack: Vec<G::NodeId> = Vec::new();
    let mut sccs = Vec::new();
    // (node, its neighbours still to see, whether it is still its component's root)
    let mut frames: Vec<(G::NodeId, G::Neighbors, bool)> = Vec::new();
    for n in g.node_identifiers() {
        if rootindex[g.to_index(n)] != 0 {
            continue;
        }
        rootindex[g.to_index(n)] = index;
        index += 1;
        frames.push((n, g.neighbors(n), true));
        while let Some(frame) = frames.last_mut() {
            let v = frame.0;
            if let Some(w) = frame.1.next() {
                if rootindex[g.to_index(w)] == 0 {
                    rootindex[g.to_index(w)] = index;
                    index += 1;
                    frames.push((w, g.neighbors(w), true));
                } else if rootindex[g.to_index(w)] < rootindex[g.to_index(v)] {
                    rootindex[g.to_index(v)] = rootindex[g.to_index(w)];
                    frame.2 = false;
                }
                continue;
            }
            let (v, _, root) = frames.pop().expect("the frame just looked at");
            let rv = rootindex[g.to_index(v)];
            if root {
                // Pop the stack down to v's component.
                let mut adjustment = 1;
                let start = stack
                    .iter()
                    .rposition(|&w| {
                        if rv > rootindex[g.to_index(w)] {
                            true
                        } else {
                            rootindex[g.to_index(w)] = component;
                            adjustment += 1;
                            false
                        }
                    })
                    .map_or(0, |x| x + 1);
                rootindex[g.to_index(v)] = component;
                stack.push(v);
                sccs.push(stack[start..].to_vec());
                stack.truncate(start);
                index -= adjustment;
                component -= 1;
            } else {
                stack.push(v);
            }
            // Back in the parent: what its child reached.
            if let Some(parent) = frames.last_mut() {
                let (rw, rp) = (rootindex[g.to_index(v)], rootindex[g.to_index(parent.0)]);
                if rw < rp {
                    rootindex[g.to_index(parent.0)] = rw;
                    parent.2 = false;
                }
            }
        }
    }
    sccs
}

#[cfg(test)]
mod tests {
    use super::*;
    use petgraph::graph::DiGraph;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn the_same_components_in_the_same_order_as_petgraph(
            n in 1usize..40,
            edges in proptest::collection::vec((0usize..40, 0usize..40), 0..120),
        ) {
            let mut g = DiGraph::<(), ()>::new();
            let nodes: Vec<_> = (0..n).map(|_| g.add_node(())).collect();
            for (a, b) in edges {
                g.add_edge(nodes[a % n], nodes[b % n], ());
            }
            prop_assert_eq!(tarjan_scc(&g), petgraph::algo::tarjan_scc(&g));
        }
    }

    #[test]
    fn a_chain_of_a_million_nodes_needs_no_deep_stack() {
        let run = || {
            let mut g = DiGraph::<(), ()>::new();
            let nodes: Vec<_> = (0..1_000_000).map(|_| g.add_node(())).collect();
            for w in nodes.windows(2) {
                g.add_edge(w[0], w[1], ());
            }
            g.add_edge(nodes[999_999], nodes[500_000], ());
            let sccs = tarjan_scc(&g);
            (sccs.len(), sccs.iter().map(Vec::len).max())
        };
        // 256 KiB of stack: the recursive version overflows it after a few thousand nodes.
        let got = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(run)
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(got, (500_001, Some(500_000)));
    }
}
