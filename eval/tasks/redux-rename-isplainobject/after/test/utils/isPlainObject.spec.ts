import isPlainRecord from '@internal/utils/isPlainObject'
import vm from 'vm'

describe('isPlainRecord', () => {
  it('returns true only if plain object', () => {
    const sandbox = { fromAnotherRealm: false }
    vm.runInNewContext('fromAnotherRealm = {}', sandbox)

    expect(isPlainRecord(sandbox.fromAnotherRealm)).toBe(true)
    expect(isPlainRecord(new Date())).toBe(false)
    expect(isPlainRecord([1, 2, 3])).toBe(false)
    expect(isPlainRecord(null)).toBe(false)
    expect(isPlainRecord(undefined)).toBe(false)
    expect(isPlainRecord({ x: 1, y: 2 })).toBe(true)
    expect(isPlainRecord(Object.create(null))).toBe(true)
  })
})
