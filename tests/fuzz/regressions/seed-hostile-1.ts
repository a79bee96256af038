class A extends B { @d() m<T>(x = `${`${ {a:"}"} }`}`): {a:1} { return /[/]{/.test(x) } get [k]() {} }
export default class extends C {}
var M = { a: async function* () {}, "b": x => ({}), [c]() {} }