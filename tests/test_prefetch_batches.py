"""Prefetching loads a relation's keys with one call of its loader's batch function, and
shares that batch with every other field asking for the same keys meanwhile."""

from __future__ import annotations

import asyncio

import pytest
from strawberry.dataloader import DataLoader

from masthead.schema.core.prefetch import _load_many


def loader_of(batches: list[list[int]], answer: object = None) -> DataLoader[int, object]:
    async def load(keys: list[int]) -> list[object]:
        batches.append(keys)
        await asyncio.sleep(0)  # another field runs while the batch is in flight
        if isinstance(answer, BaseException):
            raise answer
        return [key * 10 for key in keys] if answer is None else answer  # type: ignore[return-value]

    return DataLoader(load_fn=load)


async def test_keys_load_once_and_a_field_asking_meanwhile_shares_the_batch() -> None:
    batches: list[list[int]] = []
    loader = loader_of(batches)

    prefetching = asyncio.create_task(_load_many(loader, [1, 2, 1, 3]))
    await asyncio.sleep(0)  # the prefetch's batch has started
    meanwhile = await loader.load(2)

    assert await prefetching == [10, 20, 10, 30]
    assert meanwhile == 20
    assert await _load_many(loader, [3, 4]) == [30, 40]
    assert batches == [[1, 2, 3], [4]]


@pytest.mark.parametrize(
    ("answer", "error", "message"),
    [
        (RuntimeError("database gone"), RuntimeError, "database gone"),
        ([10], ValueError, "a batch of 2 keys loaded 1 values"),  # too few: fails, never hangs
    ],
    ids=["failed", "too-few-values"],
)
async def test_a_batch_that_fails_fails_every_field_waiting_for_it(
    answer: object, error: type[Exception], message: str
) -> None:
    loader = loader_of([], answer)

    prefetching = asyncio.create_task(_load_many(loader, [1, 2]))
    await asyncio.sleep(0)
    meanwhile = loader.load(2)

    with pytest.raises(error, match=message):
        await prefetching
    with pytest.raises(error, match=message):
        await asyncio.wait_for(meanwhile, timeout=5)
