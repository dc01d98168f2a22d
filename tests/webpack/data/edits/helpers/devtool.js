exports.productionDevtool = function (env) {
  return env === 'production' ? 'source-map' : 'cheap-module-eval-source-map'
}
