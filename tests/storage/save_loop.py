"""Helper process for the kill -9 test: saves in a loop and acknowledges each committed save.

    python -m tests.storage.save_loop DATABASE_URL RUN_NAME

Every iteration writes, and only after the write has returned (committed) prints one line
`ACK <id> <version> <learners>` and flushes. Every fifth iteration creates a new scenario;
the others save the latest one again with a new learner count. The parent kills this
process with SIGKILL at an arbitrary moment and then checks every acknowledged save.
"""

from __future__ import annotations

import sys


def main(url: str, run: str) -> None:
    from calculators.scenario import Scenario
    from storage import LOCAL_OWNER, ScenarioState, ScenarioStore, create_engine_for

    store = ScenarioStore(create_engine_for(url))
    current = None
    for i in range(1, 1_000_000):
        learners = 1 + i % 100_000
        state = ScenarioState(Scenario(learners=learners))
        if current is None or i % 5 == 0:
            current = store.save_new(LOCAL_OWNER, f"{run} {i}", state)
        else:
            current = store.save(LOCAL_OWNER, current.id, current.version, state)
        print(f"ACK {current.id} {current.version} {learners}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
