import { describe, expect, it } from 'vitest'
import { assert, string, ValidationError } from '../../src'

describe('assert', () => {
  it('valid as helper', () => {
    expect(() => assert('valid', string())).not.toThrow(ValidationError)
  })

  it('valid as method', () => {
    expect(() => string().assert('valid')).not.toThrow(ValidationError)
  })

  it('invalid as helper', () => {
    expect(() => assert(42, string())).toThrow(ValidationError)
  })

  it('invalid as method', () => {
    expect(() => string().assert(42)).toThrow(ValidationError)
  })

  it('custom error message', () => {
    expect(() => string().assert(42, 'Not a string!')).toThrow(
      expect.objectContaining({
        cause: 'Expected a string, but received: 42',
        message: 'Not a string!',
      })
    )
  })
})
