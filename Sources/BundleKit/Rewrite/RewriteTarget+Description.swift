/// A target reads as its subject (`appSettings key 'managerAddress'`) wherever it is shown:
/// plans, reports and `--json`, never as Swift's debug form of the enum case.
extension RewriteTarget: CustomStringConvertible {
    public var description: String { subject }
}
