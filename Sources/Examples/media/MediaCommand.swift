import ArgumentParser

/// `media`: the MediaKit command line.
@main
struct MediaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "media",
        abstract: "A self-hosted photo and video library, on the command line.",
        subcommands: [MetadataCommand.self, ImportCommand.self, ListCommand.self, ShowCommand.self, TimelineCommand.self,
                      StatsCommand.self, VerifyCommand.self, ExportCommand.self, BackupCommand.self, ThumbnailCommand.self,
                      RegenerateThumbnailsCommand.self, DuplicatesCommand.self, SimilarCommand.self, SearchCommand.self,
                      FavoriteCommand.self, ArchiveCommand.self, HideCommand.self, TrashCommand.self, RestoreCommand.self, PurgeCommand.self,
                      RateCommand.self, DescribeCommand.self, SetDateCommand.self, SetLocationCommand.self, TagCommand.self, AlbumCommand.self,
                      RereadCommand.self, SidecarsCommand.self, UserCommand.self, KeyCommand.self]
    )
}
