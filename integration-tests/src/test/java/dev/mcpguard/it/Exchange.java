package dev.mcpguard.it;

import dev.mcpguard.it.Stacks.Stack;
import java.util.List;

/** A response, the decision lines its request caused, and the stack that answered. */
record Exchange(RawResponse response, List<Decision> decisions, Stack stack) {}
