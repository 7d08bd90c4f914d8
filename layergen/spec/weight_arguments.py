"""The constructor arguments a weight adds, as Keras's built-in layers add them.

In: a weight's name and role. Out: the Keras-object arguments (`kernel_initializer`, ...)
the generated class takes for it. The rule is written here once; the analysis (names,
weights, test values) and the project's class index all ask it.
"""

from __future__ import annotations

# In the order a weight's arguments are written (as in keras.layers.Dense's signature).
KINDS = ("initializer", "regularizer", "constraint")


def argument_kinds(role: str) -> tuple[str, ...]:
    """A trainable weight adds an initializer, a regularizer and a constraint argument;
    a frozen or state weight only an initializer (regularizers and constraints act only
    on what training changes)."""
    return KINDS if role == "trainable" else KINDS[:1]


def argument_name(weight: str, kind: str) -> str:
    """`kernel_initializer`: the argument of kind `kind` that weight `weight` adds."""
    return f"{weight}_{kind}"


def weight_arguments(weight: str, role: str) -> list[tuple[str, str]]:
    """(argument name, kind) for each argument the weight adds, in order."""
    return [(argument_name(weight, kind), kind) for kind in argument_kinds(role)]
