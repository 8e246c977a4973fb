import assert from 'node:assert/strict';
import { describe, test } from './support.ts';
import { currentCursor, nextPage, pageNumber, pageRange, previousPage } from '../src/lib/pagination.ts';
import { findRoute, matchPath, safeNextPath } from '../src/lib/routes.ts';

describe('cursor pagination', () => {
  test('next pushes the cursor, previous pops it', () => {
    let s = nextPage([], 'c1');
    s = nextPage(s, 'c2');
    assert.equal(currentCursor(s), 'c2');
    assert.equal(pageNumber(s), 3);
    s = previousPage(s);
    assert.equal(currentCursor(s), 'c1');
    s = previousPage(previousPage(s));
    assert.deepEqual(s, []);
    assert.equal(currentCursor(s), undefined);
    assert.deepEqual(nextPage(s, null), []);
  });
  test('range of the current page', () => {
    assert.deepEqual(pageRange([], 50, 50, 120), { from: 1, to: 50, total: 120 });
    assert.deepEqual(pageRange(['a', 'b'], 20, 50, 120), { from: 101, to: 120, total: 120 });
    assert.deepEqual(pageRange([], 0, 50, 0), { from: 0, to: 0, total: 0 });
  });
});

describe('routes', () => {
  test('match patterns with params', () => {
    assert.deepEqual(matchPath('/systems/:id/classify', '/systems/sys_1/classify'), { id: 'sys_1' });
    assert.deepEqual(matchPath('/trust/:slug', '/trust/north%20wind/'), { slug: 'north wind' });
    assert.equal(matchPath('/systems/:id', '/systems'), undefined);
    assert.equal(matchPath('/systems/:id', '/systems/%E0%A4%A'), undefined);
    const routes = [{ path: '/systems/new' }, { path: '/systems/:id' }];
    assert.equal(findRoute(routes, '/systems/new')?.route.path, '/systems/new');
    assert.equal(findRoute(routes, '/systems/sys_2')?.params['id'], 'sys_2');
  });
  test('the login redirect only follows same-origin paths', () => {
    assert.equal(safeNextPath('/systems?q=a'), '/systems?q=a');
    assert.equal(safeNextPath('//evil.example/x'), '/');
    assert.equal(safeNextPath('https://evil.example'), '/');
    assert.equal(safeNextPath('/\\evil.example'), '/');
    assert.equal(safeNextPath(null), '/');
    assert.equal(safeNextPath('/login'), '/');
  });
});
