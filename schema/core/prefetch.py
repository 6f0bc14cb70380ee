"""Look-ahead prefetching: relations a query selects are loaded for a whole page at once.

A relation field first looks for a value its parent's page prefetched; when there is
none (a lone lookup, a fragment on a union), it returns the loader's awaitable instead.
Prefetching turns hundreds of per-field coroutines into one `load_many` per relation.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from strawberry.dataloader import DataLoader, DefaultCache
from strawberry.types.nodes import FragmentSpread, InlineFragment, Selection

from masthead.resolvers.core.context import ReadContext
from masthead.resolvers.core.listing import ChildPages, ListArgs, ListPage, list_args
from masthead.schema.core.context import Info

T = TypeVar("T")
_PREFIX = "prefetched_"


@dataclass(frozen=True)
class Relation(Generic[T]):
    """How to load one relation for many parents: a key per parent, a loader, a builder."""

    key: Callable[[Any], Hashable | None]
    loader: Callable[[ReadContext], DataLoader[Any, Any]]
    build: Callable[[Any, Any], T]


RELATIONS: dict[type, dict[str, Relation[Any]]] = {}


def relations(cls: type, **by_field: Relation[Any]) -> None:
    """Declare the prefetchable relations of a schema type, by GraphQL field name."""
    RELATIONS[cls] = by_field


# The arguments a nested connection is prefetched with, and how each becomes the value its
# resolver gets: built-in scalars, which a selection gives as written (a literal `5` is
# "5", a variable's value is 5). A connection given any other (`where`, `orderBy`) is
# loaded by its resolver, batched all the same.
PAGE_ARGUMENTS: dict[str, Callable[[Any], Any]] = {
    "first": int,
    "after": str,
    "last": int,
    "before": str,
    "locale": str,
}


@dataclass(frozen=True)
class NestedConnection:
    """How to load one nested connection for many parents.

    A key per parent, the pages (`ChildPages`) for some arguments, a node of each row,
    and the connection made of a page and its nodes.
    """

    key: Callable[[Any], Hashable]
    pages: Callable[[ReadContext, ListArgs], ChildPages]
    build: Callable[[Any], Any]
    connect: Callable[[ListPage, list[Any]], Any]


CONNECTIONS: dict[type, dict[str, NestedConnection]] = {}


def connections(cls: type, **by_field: NestedConnection) -> None:
    """Declare the nested connections of a schema type, by GraphQL field name."""
    CONNECTIONS[cls] = by_field


def prefetched_page(parent: Any, field: str, args: ListArgs) -> Any | None:
    """The connection of `field` its parent's page prefetched with `args`, if any."""
    pages = parent.__dict__.get(_PREFIX + field)
    if pages is None or args.where is not None:
        return None
    return pages.get(args)


def prefetched(parent: Any, field: str, load: Callable[[], Awaitable[T]]) -> T:
    """The prefetched value of `field`, or the awaitable that loads it for this parent alone.

    Typed as the value: graphql-core awaits an awaitable that a resolver returns, so a
    field stays synchronous (and cheap) whenever its value is already there.
    """
    value = parent.__dict__.get(_PREFIX + field, _PREFIX)
    return cast("T", load() if value is _PREFIX else value)


def prefetched_attribute(field: str) -> str:
    """The attribute of a parent that holds the value of `field` its page prefetched."""
    return _PREFIX + field


def _fields(selections: Iterable[Selection]) -> Iterable[Any]:
    for selection in selections:
        if isinstance(selection, (FragmentSpread, InlineFragment)):
            yield from _fields(selection.selections)
        else:
            yield selection


def _children(selections: Iterable[Selection], name: str) -> list[Selection]:
    return [s for field in _fields(selections) if field.name == name for s in field.selections]


def _memo(info: Info, kind: str, compute: Callable[[], list[Selection]]) -> list[Selection]:
    """Computed once per operation and field node.

    A nested connection's field resolves once per parent, and converting its selections
    each time costs more than its SQL.
    """
    key = (kind, id(info._raw_info.field_nodes[0]))  # noqa: SLF001 (the AST node, shared by every parent)
    memo = info.context.memo
    found = memo.get(key)
    if found is None:
        found = memo[key] = compute()
    return cast("list[Selection]", found)


def own_selections(info: Info) -> list[Selection]:
    """What the current field selects on the object it returns."""
    return _memo(info, "own", lambda: _children(info.selected_fields, info.field_name))


def selects(info: Info, name: str) -> bool:
    """Whether the current field selects `name` on the object it returns."""
    return any(field.name == name for field in _fields(own_selections(info)))


def node_selections(info: Info) -> list[Selection]:
    """What the current connection field selects on its nodes (`nodes` and `edges.node`)."""
    return _memo(info, "nodes", lambda: _nodes_of(own_selections(info)))


def _nodes_of(selections: list[Selection]) -> list[Selection]:
    """What a connection's selections select on its nodes (`nodes` and `edges.node`)."""
    return _children(selections, "nodes") + _children(_children(selections, "edges"), "node")


async def prefetch(info: Info, objects: list[Any], selections: list[Selection]) -> None:
    """Load every selected argument-free relation of `objects`, recursively, one batch each."""
    if not objects or not selections:
        return
    declared = RELATIONS.get(type(objects[0]), {})
    nested = CONNECTIONS.get(type(objects[0]), {})
    wanted: dict[str, list[Selection]] = {}
    paged: dict[tuple[str, ListArgs], list[Selection]] = {}
    for field in _fields(selections):
        if field.name in declared and not field.arguments:
            wanted.setdefault(field.name, []).extend(field.selections)
        elif field.name in nested and (args := _page_arguments(field.arguments)) is not None:
            paged.setdefault((field.name, args), []).extend(field.selections)
    jobs = [_prefetch_one(info, objects, name, declared[name], sub) for name, sub in wanted.items()]
    jobs += [
        _prefetch_pages(info, objects, name, (nested[name], args), sub)
        for (name, args), sub in paged.items()
    ]
    await asyncio.gather(*jobs)


async def _prefetch_one(
    info: Info,
    objects: list[Any],
    name: str,
    relation: Relation[Any],
    selections: list[Selection],
) -> None:
    keys = [relation.key(parent) for parent in objects]
    present = [key for key in keys if key is not None]
    loaded = dict(
        zip(present, await _load_many(relation.loader(info.context), present), strict=True)
    )
    children: list[Any] = []
    for parent, key in zip(objects, keys, strict=True):
        value = relation.build(parent, loaded[key] if key is not None else None)
        parent.__dict__[_PREFIX + name] = value
        children.extend(value if isinstance(value, list) else [] if value is None else [value])
    await prefetch(info, children, selections)


def _page_arguments(arguments: dict[str, Any]) -> ListArgs | None:
    """A nested connection's arguments as its resolver gets them, if it may be prefetched."""
    if not arguments.keys() <= PAGE_ARGUMENTS.keys():
        return None
    converted = {
        name: None if value is None else PAGE_ARGUMENTS[name](value)
        for name, value in arguments.items()
    }
    return list_args(**converted)


async def _prefetch_pages(
    info: Info,
    objects: list[Any],
    name: str,
    connection: tuple[NestedConnection, ListArgs],
    selections: list[Selection],
) -> None:
    """Every parent's page of a nested connection, and then their nodes' relations at once."""
    nested, args = connection
    try:
        pages = nested.pages(info.context, args)
    except Exception:  # noqa: BLE001 (bad arguments: each parent's field reports them itself)
        return
    keys = [nested.key(parent) for parent in objects]
    nodes: list[Any] = []
    for parent, key, result in zip(objects, keys, await _load_many(pages.pages, keys), strict=True):
        items = [nested.build(row) for row in result.rows]
        page = nested.connect(pages.page(key, result), items)
        parent.__dict__.setdefault(_PREFIX + name, {})[args] = page
        nodes.extend(items)
    await prefetch(info, nodes, _nodes_of(selections))


async def _load_many(loader: DataLoader[Any, Any], keys: list[Any]) -> list[Any]:
    """`loader.load_many(keys)` as one call of the loader's own batch function.

    The keys the loader has not seen are loaded at once, and its cache holds their
    futures before the batch runs, so any other field asking for them meanwhile waits for
    this batch as it would for the loader's. What the loader's batching adds per key (a
    task per batch, a callback per future, a wake-up per key) is left out: a page of 20
    posts and its relations costs a handful of futures instead of a hundred callbacks.
    """
    cache = cast("DefaultCache[Any, Any]", loader.cache_map).cache_map
    missing = [
        key for key in dict.fromkeys(keys) if (known := cache.get(key)) is None or known.cancelled()
    ]
    futures = [loader.loop.create_future() for _ in missing]
    if missing:
        cache.update(zip(missing, futures, strict=True))
        await _settle(loader, missing, futures)
    try:
        return [await cache[key] for key in keys]
    except Exception:
        for future in futures:  # read, so that none is reported as never retrieved
            if not future.cancelled():
                future.exception()
        raise


async def _settle(
    loader: DataLoader[Any, Any], keys: list[Any], futures: list[asyncio.Future[Any]]
) -> None:
    """Run the loader's batch function for `keys` and settle their futures with its values.

    If the batch fails, each key's future fails with it (a cancelled batch cancels them,
    so that a later load tries again); a batch that answers the wrong number of values
    fails, as the loader's own does, rather than leave a future that never ends.
    """
    try:
        values = await loader.load_fn(keys)
        if len(values) != len(keys):
            msg = f"a batch of {len(keys)} keys loaded {len(values)} values"
            raise ValueError(msg)  # noqa: TRY301 (failed like the batch itself)
    except BaseException as error:
        for future in futures:
            if isinstance(error, Exception):
                future.set_exception(error)
                future.exception()  # read: not reported as never retrieved
            else:
                future.cancel()
        raise
    for future, value in zip(futures, values, strict=True):
        if isinstance(value, BaseException):
            future.set_exception(value)
        else:
            future.set_result(value)


async def with_relations(info: Info, value: T | None) -> T | None:
    """A single entry with the relations the current field selects on it prefetched."""
    if value is not None:
        await prefetch(info, [value], own_selections(info))
    return value


async def load_relation(info: Info, parent: Any, relation: Relation[T]) -> T:
    """One parent's relation through the operation's loader (when nothing was prefetched)."""
    key = relation.key(parent)
    loaded = None if key is None else await relation.loader(info.context).load(key)
    return relation.build(parent, loaded)
