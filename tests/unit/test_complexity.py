"""No function of app/ above cyclomatic complexity 15 (`make lint` prints the worst ten)."""
from tools.complexity import LIMIT, measured


def test_no_function_is_more_complex_than_the_limit():
    assert [where for complexity, where in measured() if complexity > LIMIT] == []
