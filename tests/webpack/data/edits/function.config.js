// webpack's function form: the devtool depends on the CLI arguments.
module.exports = (env, argv) => ({
  mode: argv.mode,
  devtool: argv.mode === 'production' ? 'source-map' : 'eval'
})
