// The spread comes from a function call nobody can evaluate without running it,
// and it comes after the devtool key, so it may override it.
const { makeBase } = require('some-preset')

module.exports = {
  devtool: 'source-map',
  ...makeBase(process.env.TARGET)
}
