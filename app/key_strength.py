"""How guessable a secret key looks, for the production check of SECRET_KEY."""

import math
from collections import Counter
from itertools import pairwise


def estimated_entropy_bits(key: str) -> float:
    """A cautious estimate of a key's randomness: the lesser of its characters' Shannon
    entropy and the entropy left after repeats and runs are squeezed out, times length."""
    if not key:
        return 0.0
    counts = Counter(key)
    shannon = -sum(n / len(key) * math.log2(n / len(key)) for n in counts.values())
    # A repeated or stepped pattern ("abcabc", "0123456789" * 4) is only as strong as
    # the part that does not follow from the character before it.
    steps = Counter((ord(b) - ord(a)) for a, b in pairwise(key))
    step_share = max(steps.values()) / (len(key) - 1) if len(key) > 1 else 1.0
    unpredictable = max(1.0, (1 - step_share) * len(key))
    return min(shannon * len(key), shannon * unpredictable + math.log2(len(counts)))
